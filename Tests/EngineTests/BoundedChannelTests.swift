@testable import A2APipe
import Synchronization
import Testing

/// The engine's bounded channel: order, the bound, the end, cancellation, several consumers.
@Suite(.timeLimit(.minutes(1)))
struct BoundedChannelTests {
    @Test func deliversInOrderThenEnds() async {
        let channel = BoundedChannel<Int>(capacity: 4)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<1_000 { await channel.send(i) }
                channel.finish()
            }
            var received: [Int] = []
            for await i in channel { received.append(i) }
            #expect(received == Array(0..<1_000))
        }
        // After the end: nothing more, sends are dropped.
        await channel.send(7)
        #expect(await channel.next() == nil)
    }

    @Test func producerWaitsAtTheHighWatermark() async {
        let capacity = 8
        let channel = BoundedChannel<Int>(capacity: capacity)
        let sent = CallCounter()
        let (full, filled) = AsyncStream.makeStream(of: Void.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<200 {
                    await channel.send(i)
                    if sent.next() == capacity { filled.yield() }
                }
                channel.finish()
            }
            // Take nothing until the producer has filled the buffer; from then on it must
            // never be more than capacity + 1 ahead (the element of the send that waits).
            var waitForFull = full.makeAsyncIterator()
            _ = await waitForFull.next()
            var taken = 0
            for await i in channel {
                #expect(i == taken)
                taken += 1
                #expect(sent.value - taken <= capacity + 1, "the producer ran past the bound")
            }
            #expect(taken == 200)
        }
    }

    @Test func finishWakesWaitingProducersAndKeepsBufferedElements() async {
        let channel = BoundedChannel<Int>(capacity: 2)
        let (twoSent, signal) = AsyncStream.makeStream(of: Void.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // No consumer: waits at the third element, until the channel is finished.
                for i in 0..<10 {
                    await channel.send(i)
                    if i == 1 { signal.yield() }
                }
            }
            var waitForTwo = twoSent.makeAsyncIterator()
            _ = await waitForTwo.next()
            channel.finish()
            await group.waitForAll()  // hangs (and the time limit fails the test) unless woken
        }
        var received: [Int] = []
        for await i in channel { received.append(i) }
        // What was sent before the end stays, in order, never more than the bound + 1.
        #expect(received == Array(0..<received.count))
        #expect(received.count >= 2 && received.count <= 3)
        await channel.send(99)
        #expect(channel.bufferedCount == 0)
    }

    @Test func cancellationEndsWaitingSendsAndReceives() async {
        let full = BoundedChannel<Int>(capacity: 1)
        let empty = BoundedChannel<Int>(capacity: 1)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<100 { await full.send(i) }  // waits at the second, until cancelled
            }
            group.addTask {
                #expect(await empty.next() == nil)  // waits until cancelled
            }
            group.cancelAll()
            await group.waitForAll()  // hangs (and the time limit fails the test) unless both ended
        }
        #expect(full.bufferedCount <= 2)
    }

    @Test func severalConsumersTakeEachElementOnce() async {
        let channel = BoundedChannel<Int>(capacity: 3)
        let seen = Received()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for await i in channel { seen.add(i) }
                }
            }
            group.addTask {
                for i in 0..<500 { await channel.send(i) }
                channel.finish()
            }
            await group.waitForAll()
        }
        #expect(seen.all.sorted() == Array(0..<500))
    }
}

/// What several consumers received.
final class Received: Sendable {
    private let items = Mutex<[Int]>([])
    func add(_ i: Int) { items.withLock { $0.append(i) } }
    var all: [Int] { items.withLock { $0 } }
}
