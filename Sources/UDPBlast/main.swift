// SPDX-License-Identifier: Apache-2.0

// udp-blast: the raw-UDP baseline. A sender floods a receiver on loopback through two DatagramTransports
// and the receiver's rate is printed. Usage:
//   udp-blast [--seconds 3] [--size 1200] [--burst 256] [--no-vector] [--no-gso] [--no-gro]
//             [--listen PORT | --connect HOST:PORT]

import DatagramTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let options = BlastOptions.parse(Array(CommandLine.arguments.dropFirst()))
var configuration = DatagramTransportConfiguration(binding: .ipv4(host: "127.0.0.1", port: 0))
configuration.vectorReadMessageCount = options.vectorReads ? 64 : 1
configuration.segmentationOffload = options.segmentationOffload
configuration.receiveOffload = options.receiveOffload

switch options.mode {
case .local:
    let receiver = try await DatagramTransport.bind(configuration: configuration, handler: BlastReceiver())
    let sender = try await DatagramTransport.bind(
        configuration: configuration,
        handler: BlastSender(size: options.size, burst: options.burst, target: receiver.localEndpoint)
    )
    print(
        "udp-blast: \(options.size)-byte datagrams, \(options.seconds) s, vector reads \(options.vectorReads), "
            + "GSO \(sender.usesSegmentationOffload), GRO \(receiver.usesReceiveOffload), "
            + "SO_RCVBUF \(receiver.effectiveReceiveBufferSize)"
    )
    try sender.execute { sender, sink in sender.start(sink: &sink) }
    let report = await BlastMeasurement.measure(seconds: options.seconds) { receiver.statistics }
    try sender.execute { sender, sink in sender.stop(sink: &sink) }
    let sent = sender.statistics
    print(report.summary)
    print(
        "sender: \(sent.datagramsSent) datagrams, \(sent.sendCalls) sendmmsg calls, \(sent.segmentedMessages) GSO messages, errors \(sent.sendErrors)"
    )
    await sender.close()
    await receiver.close()
case .listen(let port):
    configuration.binding = .ipv4(host: "127.0.0.1", port: port)
    let receiver = try await DatagramTransport.bind(configuration: configuration, handler: BlastReceiver())
    print("udp-blast: listening on \(receiver.localEndpoint) for \(options.seconds) s")
    let report = await BlastMeasurement.measure(seconds: options.seconds) { receiver.statistics }
    print(report.summary)
    await receiver.close()
case .connect(let target):
    let sender = try await DatagramTransport.bind(
        configuration: configuration,
        handler: BlastSender(size: options.size, burst: options.burst, target: target)
    )
    try sender.execute { sender, sink in sender.start(sink: &sink) }
    let report = await BlastMeasurement.measure(seconds: options.seconds) { sender.statistics }
    try sender.execute { sender, sink in sender.stop(sink: &sink) }
    print("sent: " + report.summary)
    await sender.close()
}
