// SPDX-License-Identifier: Apache-2.0
import DatagramTransport
print("x")
