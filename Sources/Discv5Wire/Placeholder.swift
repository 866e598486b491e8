// SPDX-License-Identifier: Apache-2.0

// Placeholder so the target builds; replaced by the module's real sources.
enum _Discv5WirePlaceholder {}
