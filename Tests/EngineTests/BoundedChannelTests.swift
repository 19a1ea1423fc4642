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
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<200 {
                    await channel.send(i)
                    _ = sent.next()
                }
                channel.finish()
            }
            // Let the producer run as far as it can before taking anything.
            while sent.value < capacity { await Task.yield() }
            for _ in 0..<1_000 { await Task.yield() }
            #expect(sent.value <= capacity, "the producer ran past the bound")
            var taken = 0
            for await i in channel {
                #expect(i == taken)
                taken += 1
                // At most `capacity` buffered, plus the one whose send is waiting.
                #expect(sent.value - taken <= capacity + 1)
            }
            #expect(taken == 200)
        }
    }

    @Test func finishWakesWaitingProducersAndKeepsBufferedElements() async {
        let channel = BoundedChannel<Int>(capacity: 2)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<10 { await channel.send(i) }  // waits at 3, goes on after finish
            }
            // The producer has filled the buffer and waits; finishing lets it go on.
            while channel.bufferedCount < 3 { await Task.yield() }
            channel.finish()
            await group.waitForAll()
        }
        var received: [Int] = []
        for await i in channel { received.append(i) }
        #expect(received == [0, 1, 2])
    }

    @Test func cancellationEndsWaitingSendsAndReceives() async {
        let full = BoundedChannel<Int>(capacity: 1)
        let empty = BoundedChannel<Int>(capacity: 1)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<100 { await full.send(i) }  // blocked until cancelled
            }
            group.addTask {
                _ = await empty.next()  // blocked until cancelled
            }
            while full.bufferedCount < 2 { await Task.yield() }
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
