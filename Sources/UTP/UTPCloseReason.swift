// SPDX-License-Identifier: Apache-2.0

/// Why a connection reached its terminal state.
public enum UTPCloseReason: Hashable, Sendable {
    /// Graceful end: both FINs exchanged; or, per the deployed-behaviour rules, our FIN was sent
    /// with all data acknowledged and the peer then reset, went silent, or (libtorrent) forgot the
    /// connection once its own FIN was acknowledged.
    case finished
    /// The peer sent ST_RESET before we finished.
    case resetByPeer
    /// We called ``UTPConnection/reset()``.
    case aborted
    /// SYN unanswered, idle timeout, or a packet lost too many times in a row.
    case timedOut
    /// The peer answered our SYN with ST_RESET.
    case refused
}
