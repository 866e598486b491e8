// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Crypto
import ENR
import Foundation
import Logging
import TalkGetData

/// Serve a directory, or fetch one file from such a server, over `getdata` (uTP for large files).
///
/// ```
/// swift run file-transfer serve DIR [HOST:PORT]     # prints the node's ENR, serves until Ctrl-C
/// swift run file-transfer fetch ENR NAME OUT        # writes the file NAME to OUT
/// ```
@main
struct FileTransfer {
    /// A one-line error for bad arguments or files.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { self.message }
    }

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "serve" where (2...3).contains(arguments.count):
                try await serve(directory: arguments[1], listen: arguments.count == 3 ? arguments[2] : "0.0.0.0:9000")
            case "fetch" where arguments.count == 4:
                try await fetch(record: arguments[1], name: arguments[2], to: arguments[3])
            default:
                print("usage: file-transfer serve DIR [HOST:PORT] | file-transfer fetch ENR NAME OUT")
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("file-transfer: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Serves the files of `directory` (key = file name) until SIGINT.
    static func serve(directory: String, listen: String) async throws {
        guard let address = NodeConfiguration.ListenAddress.parse(listen) else {
            throw Failure(message: "'\(listen)' is not HOST:PORT")
        }
        var configuration = NodeConfiguration(listen: address)
        configuration.logger.logLevel = .warning
        let node = try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey())
        try node.register(GetDataServer(store: try DirectoryGetDataStore(root: directory)))
        print(node.localRecord.text)
        fflush(nil)  // A supervisor reading the pipe needs the line now, not at exit.
        // Stop on Ctrl-C: a dispatch signal source resumes the waiting task.
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            source.setEventHandler { continuation.resume() }
            source.resume()
        }
        source.cancel()
        await node.shutdown()
    }

    /// Fetches `name` from the node of `record` into the file `output`.
    static func fetch(record text: String, name: String, to output: String) async throws {
        let record = try ENR(text: text)
        let isLoopback = record.ip?.bytes.first == 127
        var configuration = NodeConfiguration(listen: .ipv4(host: isLoopback ? "127.0.0.1" : "0.0.0.0", port: 0))
        configuration.logger.logLevel = .warning
        let node = try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey())
        do {
            let start = ContinuousClock.now
            let transfer = try await GetDataClient(node: node).getStream(key: Array(name.utf8), from: record)
            guard FileManager.default.createFile(atPath: output, contents: nil),
                let file = FileHandle(forWritingAtPath: output)
            else {
                throw Failure(message: "cannot create \(output)")
            }
            defer { try? file.close() }
            do {
                for try await chunk in transfer { try file.write(contentsOf: chunk) }
            } catch {
                // Never leave a partial file that looks like the real one.
                try? FileManager.default.removeItem(atPath: output)
                throw error
            }
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            print("\(name): \(transfer.length) bytes in \(String(format: "%.2f", seconds)) s")
        } catch {
            await node.shutdown()
            throw error
        }
        await node.shutdown()
    }
}
