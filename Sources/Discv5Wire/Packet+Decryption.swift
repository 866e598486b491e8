// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto

extension Packet {
    /// Decrypts and authenticates the message:
    /// `message-pt = aesgcm_decrypt(key, nonce, message, masking-iv || header)`.
    ///
    /// - Parameters:
    ///   - cipher: The session's receiving cipher.
    /// - Returns: `message-type || message-data`.
    /// - Throws: ``Discv5WireError/Code/decryptionFailed`` when the tag does not verify (also for
    ///   a message shorter than a tag, such as the random message that starts a handshake).
    public func decryptMessage(using cipher: AES128GCM) throws(Discv5WireError) -> [UInt8] {
        do {
            return try cipher.open(messageCiphertext, nonce: nonce, authenticating: authenticatedData)
        } catch {
            throw .make(.decryptionFailed, "\(error.code)")
        }
    }

    /// Decrypts and authenticates the message with a 16-byte key (throwaway cipher context).
    ///
    /// - Parameters:
    ///   - key: The 16-byte session key for this direction.
    /// - Returns: `message-type || message-data`.
    /// - Throws: ``Discv5WireError/Code/decryptionFailed`` (also for a key of the wrong size).
    public func decryptMessage(key: some Collection<UInt8>) throws(Discv5WireError) -> [UInt8] {
        let cipher: AES128GCM
        do {
            cipher = try AES128GCM(key: key)
        } catch {
            throw .make(.decryptionFailed, "key: \(error.code)")
        }
        return try decryptMessage(using: cipher)
    }

    /// Decrypts, authenticates and decodes the message.
    ///
    /// - Parameters:
    ///   - cipher: The session's receiving cipher.
    /// - Returns: The message.
    /// - Throws: ``Discv5WireError/Code/decryptionFailed`` or any error of ``Message/decode(_:)``.
    public func openMessage(using cipher: AES128GCM) throws(Discv5WireError) -> Message {
        try Message.decode(decryptMessage(using: cipher))
    }
}
