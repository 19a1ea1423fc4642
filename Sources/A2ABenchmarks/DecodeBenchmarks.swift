import A2A
import Foundation
import NIOCore

/// SSE + A2A 1.0 event decoding throughput: the client's per-event work on a stream.
///
/// Builds a stream of small 1.0 `artifactUpdate` events framed as a2a-sdk frames them (CRLF
/// line ends, one `data:` line each), cuts it into 4 KiB buffers as a socket would deliver it,
/// and times SSE parsing, JSON parsing, the JSON-RPC envelope and the model decode, on one
/// thread. Reports the median of several runs.
func runDecodeBenchmarks() throws {
    let eventCount = 200_000
    var stream = ByteBuffer()
    for i in 0..<eventCount {
        let append = i > 0 ? ", \"append\": true" : ""
        stream.writeString(
            "data: {\"result\": {\"artifactUpdate\": {\"taskId\": \"3f2b8c1e-5d4a-4b9e-8f7a-1c2d3e4f5a6b\", \"contextId\": \"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d\", \"artifact\": {\"artifactId\": \"out\", \"parts\": [{\"text\": \"word\(i % 1000) \"}]}\(append)}}, \"id\": \"s1\", \"jsonrpc\": \"2.0\"}\r\n\r\n")
    }
    let totalBytes = stream.readableBytes
    var chunks: [ByteBuffer] = []
    while stream.readableBytes > 0 {
        chunks.append(stream.readSlice(length: min(4096, stream.readableBytes))!)
    }
    print("decode: \(eventCount) events, \(totalBytes / eventCount) bytes each on average, in 4 KiB reads")

    func measure(_ label: String, runs: Int = 5, _ body: () throws -> Int) rethrows {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let n = try body()
            precondition(n == eventCount, "decoded \(n) events, expected \(eventCount)")
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        times.sort()
        let median = times[times.count / 2]
        let rate = Double(eventCount) / median
        print("  \(label): \(Int(rate).formatted()) events/s (median of \(runs), \(String(format: "%.1f", Double(totalBytes) / median / 1_048_576)) MiB/s)")
    }

    try measure("SSE framing only") {
        var decoder = SSEDecoder()
        var n = 0
        for chunk in chunks {
            decoder.push(chunk)
            while try decoder.next() != nil { n += 1 }
        }
        return n
    }
    try measure("SSE + JSON + JSON-RPC + 1.0 model") {
        var decoder = SSEDecoder()
        var n = 0
        var textBytes = 0
        let parser = JSONParser()
        for chunk in chunks {
            decoder.push(chunk)
            while let event = try decoder.next() {
                let json = try parser.parse(event.data)
                guard case .success(let result) = try JSONRPCResponse.parse(json).outcome else { fatalError("error event") }
                if case .artifactUpdate(let update) = try WireDecoder.streamResponse(result) {
                    textBytes &+= update.artifact.parts.count
                }
                n += 1
            }
        }
        precondition(textBytes == eventCount)
        return n
    }
}
