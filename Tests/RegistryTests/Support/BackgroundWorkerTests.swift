import Foundation
import Testing
@testable import Registry

@Suite("Background worker: a thread with a bounded queue each way")
struct BackgroundWorkerTests {
    struct Failure: Error, Equatable {
        let number: Int
    }

    /// Released when the body's captures are.
    final class Canary: Sendable {}

    @Test("inputs reach the body and outputs the owner in the order they were sent")
    func ordering() throws {
        let worker = BackgroundWorker<Int, Int>(name: "test-doubler", inputCapacity: 3, outputCapacity: 2) { port in
            while let number = port.receive() {
                guard port.send(number * 2) else { return }
            }
        }
        var received: [Int] = []
        // Four sent, then four received, in turns: both queues fill at times (one side waiting for
        // the other), and no more is in flight than the two queues and the body hold.
        for start in stride(from: 0, to: 2_000, by: 4) {
            for number in start..<start + 4 { #expect(worker.send(number)) }
            for _ in 0..<4 { if let output = try worker.receive() { received.append(output) } }
        }
        try worker.finish()
        while let output = try worker.receive() { received.append(output) }
        #expect(received == (0..<2_000).map { $0 * 2 })
        #expect(try worker.receive() == nil)
    }

    @Test("the body never finds more inputs queued than the bound, and the owner waits while it is full")
    func inputBound() throws {
        let worker = BackgroundWorker<Int, Int>(name: "test-slow-reader", inputCapacity: 2, outputCapacity: 64) { port in
            while true {
                // Slower than the owner sends: without the bound, everything would pile up here.
                Thread.sleep(forTimeInterval: 0.002)
                let taken = port.drain()
                if !taken.isEmpty { _ = port.send(taken.count) }
                if taken.contains(-1) { return }
            }
        }
        for number in 0..<40 { #expect(worker.send(number)) }
        #expect(worker.send(-1))
        try worker.finish()
        var counts: [Int] = []
        while let count = try worker.receive() { counts.append(count) }
        #expect(counts.reduce(0, +) == 41)
        #expect(counts.allSatisfy { $0 <= 2 }, "\(counts)")
    }

    @Test("a body that sends ahead waits once the output queue holds its bound")
    func outputBound() throws {
        let worker = BackgroundWorker<Never, Int>(name: "test-producer", outputCapacity: 3) { port in
            for number in 0..<100 {
                guard port.send(number) else { return }
                port.countProgress()
            }
        }
        #expect(eventually { worker.progress == 3 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(worker.progress == 3, "nothing more is queued while nobody receives")
        #expect(try worker.receive() == 0)
        #expect(eventually { worker.progress == 4 })
        var rest: [Int] = []
        while let number = try worker.receive() { rest.append(number) }
        #expect(rest == Array(1..<100))
    }

    @Test("what the body throws reaches the owner after the outputs sent before it, and its inputs are refused from then on")
    func errorPropagation() throws {
        let worker = BackgroundWorker<Int, Int>(name: "test-failing", inputCapacity: 1, outputCapacity: 8) { port in
            while let number = port.receive() {
                if number == 3 { throw Failure(number: number) }
                _ = port.send(number)
            }
        }
        for number in 0..<4 { #expect(worker.send(number)) }
        #expect(try worker.receive() == 0)
        #expect(try worker.receive() == 1)
        #expect(try worker.receive() == 2)
        #expect(throws: Failure(number: 3)) { try worker.receive() }
        #expect(throws: Failure(number: 3)) { try worker.finish() }
        #expect(!worker.send(4), "a body that ended takes no more")
    }

    @Test("stop ends a body waiting to receive, to send or in a pause, and drops what was queued")
    func stop() throws {
        let receiving = BackgroundWorker<Int, Never>(name: "test-receiving") { port in
            while port.receive() != nil {}
        }
        receiving.stop()
        #expect(!receiving.send(1))

        let sending = BackgroundWorker<Never, Int>(name: "test-sending", outputCapacity: 1) { port in
            var number = 0
            while port.send(number) { number += 1 }
            port.countProgress()  // once send said no
        }
        #expect(eventually { (try? sending.receive()) == 0 })
        sending.stop()
        #expect(sending.progress == 1, "send returned false once stopped")
        #expect(try sending.receive() == nil, "what was queued is dropped")

        let started = Date()
        let pausing = BackgroundWorker<Never, Never>(name: "test-pausing") { port in
            while port.pause(60) { port.countProgress() }
        }
        pausing.stop()
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(pausing.progress == 0)
    }

    @Test("pause returns true after its time while the worker runs; finish waits for the body and keeps its outputs")
    func pauseAndFinish() throws {
        let worker = BackgroundWorker<Int, Int>(name: "test-pause", outputCapacity: 1) { port in
            _ = port.send(port.pause(0.01) && !port.isCancelled ? 1 : 0)
            // More outputs than the bound after the owner finished: finish does not wait forever.
            while let number = port.receive() { for copy in 0..<3 { _ = port.send(number * 10 + copy) } }
        }
        #expect(worker.send(4))
        try worker.finish()
        var outputs: [Int] = []
        while let number = try worker.receive() { outputs.append(number) }
        #expect(outputs == [1, 40, 41, 42])
    }

    @Test("a worker dropped while its body waits is stopped: the thread ends and what the body held is released")
    func deinitStops() throws {
        weak var released: Canary?
        do {
            let canary = Canary()
            released = canary
            let worker = BackgroundWorker<Int, Int>(name: "test-dropped", outputCapacity: 1) { port in
                withExtendedLifetime(canary) {
                    var number = 0
                    while port.send(number) {
                        port.countProgress()
                        number += 1
                    }
                }
            }
            // One output queued, the body waiting to send the next.
            #expect(eventually { worker.progress == 1 })
            #expect(released != nil)
        }
        // `deinit` waited for the thread, which released the body and its captures before it ended.
        #expect(released == nil)
    }
}
