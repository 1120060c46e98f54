import Foundation

/// A thread of the registry's own, with a bounded queue each way between it and its owner. Every
/// thread the registry starts is one of these: the writeback, the file digest, the row pipeline
/// and the search build.
///
/// The owner `send`s inputs and `receive`s outputs; the body does the same through its `Port`.
/// Whoever puts into a full queue waits, so memory stays bounded however far one side runs ahead.
/// Items go one at a time: callers hand over batches, so the lock is taken once per batch.
///
/// - When the body throws, the owner's `receive` returns what was sent before, then throws the
///   error; `finish` throws it too, and the owner's `send` returns false from then on.
/// - `stop` (and `deinit`) cancels: the body's `receive` returns nil, its `send` and `pause`
///   return false, and the owner waits for the thread to end. The body must call its port often
///   enough to notice; what it captured is released on its own thread before the owner goes on.
///
/// ```swift
/// let doubler = BackgroundWorker<Int, Int>(name: "doubler", inputCapacity: 4, outputCapacity: 4) { port in
///     while let number = port.receive() { guard port.send(number * 2) else { return } }
/// }
/// ```
final class BackgroundWorker<Input: Sendable, Output: Sendable> {
    /// The body's side of the queues.
    struct Port: Sendable {
        fileprivate let shared: Shared

        /// The owner's next input; nil once the owner has called `finish` and every input is
        /// taken, or at once when it stopped the worker.
        func receive() -> Input? { shared.workerReceive() }

        /// Every input queued now, without waiting (none when stopped).
        func drain() -> [Input] { shared.workerDrain() }

        /// Queues an output, waiting while the output queue is full; false (and dropped) once stopped.
        func send(_ output: Output) -> Bool { shared.workerSend(output) }

        /// Waits `seconds`; false (at once) when the worker is stopped.
        func pause(_ seconds: TimeInterval) -> Bool { shared.pause(seconds) }

        /// True once the owner has stopped the worker.
        var isCancelled: Bool { shared.isCancelled }

        /// Counts one unit of work done, which the owner reads as `progress`.
        func countProgress() { shared.countProgress() }
    }

    private let shared: Shared

    /// Starts a thread named `name` running `body`. `body` is `sending`: whatever it captures
    /// belongs to the new thread from here on.
    init(
        name: String, inputCapacity: Int = 1, outputCapacity: Int = 1,
        body: sending @escaping (Port) throws -> Void
    ) {
        precondition(inputCapacity > 0 && outputCapacity > 0, "a queue must hold at least one item")
        let shared = Shared(inputCapacity: inputCapacity, outputCapacity: outputCapacity, body: body)
        self.shared = shared
        let thread = Thread { shared.run() }
        thread.name = name
        thread.start()
    }

    deinit {
        stop()
    }

    /// Queues an input for the body, waiting while the input queue is full; false (and dropped)
    /// once the body has ended or the worker was stopped.
    @discardableResult
    func send(_ input: Input) -> Bool { shared.ownerSend(input) }

    /// The body's next output in order; nil once the body has returned and every output is taken.
    /// Throws what the body threw, after the outputs it sent before.
    func receive() throws -> Output? { try shared.ownerReceive() }

    /// Tells the body no more inputs come, waits for it to return and throws what it threw.
    /// Outputs still queued can be received afterwards.
    func finish() throws { try shared.finish() }

    /// Cancels the body, drops whatever is queued either way and waits for the thread to end.
    func stop() { shared.stop() }

    /// How often the body called `countProgress`.
    var progress: Int { shared.progressCount }
}

extension BackgroundWorker {
    /// The state both threads share. Unchecked because it holds mutable state, guarded by
    /// `condition` (every property below it is read and written only while it is locked), and the
    /// body, which is non-`Sendable`: `init` takes it as `sending` and `run`, on the one thread,
    /// takes it out exactly once. This is the registry's only hand-written synchronisation.
    fileprivate final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private let inputCapacity: Int
        private let outputCapacity: Int
        private var body: ((Port) throws -> Void)?
        private var inputs: [Input] = []
        private var outputs: [Output] = []
        /// The owner sends no more inputs, and waits in `finish`.
        private var inputClosed = false
        private var cancelled = false
        private var ended = false
        private var failure: (any Error)?
        private var progress = 0

        init(inputCapacity: Int, outputCapacity: Int, body: sending @escaping (Port) throws -> Void) {
            self.inputCapacity = inputCapacity
            self.outputCapacity = outputCapacity
            self.body = body
        }

        /// On the worker's thread.
        func run() {
            let failure = runBody()
            // The body and what it captured are released by now, on this thread.
            locked {
                self.failure = failure
                ended = true
                inputs.removeAll()
            }
        }

        private func runBody() -> (any Error)? {
            let body = locked { () -> ((Port) throws -> Void)? in
                defer { self.body = nil }
                return self.body
            }
            do {
                try body?(Port(shared: self))
                return nil
            } catch {
                return error
            }
        }

        // MARK: The body's side

        func workerReceive() -> Input? {
            locked {
                while inputs.isEmpty && !inputClosed && !cancelled { condition.wait() }
                guard !cancelled, !inputs.isEmpty else { return nil }
                return inputs.removeFirst()
            }
        }

        func workerDrain() -> [Input] {
            locked {
                guard !cancelled, !inputs.isEmpty else { return [] }
                defer { inputs = [] }
                return inputs
            }
        }

        func workerSend(_ output: Output) -> Bool {
            locked {
                // Once the owner waits in `finish` nothing empties the queue until the body ends:
                // it is no longer bounded then, so the two never wait for each other.
                while outputs.count >= outputCapacity && !cancelled && !inputClosed { condition.wait() }
                guard !cancelled else { return false }
                outputs.append(output)
                return true
            }
        }

        func pause(_ seconds: TimeInterval) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            condition.lock()
            defer { condition.unlock() }
            while !cancelled && condition.wait(until: deadline) {}
            return !cancelled
        }

        var isCancelled: Bool { locked { cancelled } }

        func countProgress() { locked { progress += 1 } }

        // MARK: The owner's side

        func ownerSend(_ input: Input) -> Bool {
            locked {
                while inputs.count >= inputCapacity && !ended && !cancelled { condition.wait() }
                guard !ended, !cancelled, !inputClosed else { return false }
                inputs.append(input)
                return true
            }
        }

        func ownerReceive() throws -> Output? {
            try locked {
                while outputs.isEmpty && !ended { condition.wait() }
                if !outputs.isEmpty { return outputs.removeFirst() }
                if let failure { throw failure }
                return nil
            }
        }

        func finish() throws {
            try locked {
                inputClosed = true
                condition.broadcast()
                while !ended { condition.wait() }
                if let failure { throw failure }
            }
        }

        func stop() {
            let dropped = locked { () -> ([Input], [Output]) in
                cancelled = true
                condition.broadcast()
                while !ended { condition.wait() }
                defer { (inputs, outputs) = ([], []) }
                return (inputs, outputs)
            }
            // Freed outside the lock.
            withExtendedLifetime(dropped) {}
        }

        var progressCount: Int { locked { progress } }

        /// Runs `work` holding the lock, and wakes every waiter after it: each state change
        /// matters to the other side, and there are only ever two threads.
        private func locked<T>(_ work: () throws -> T) rethrows -> T {
            condition.lock()
            defer {
                condition.broadcast()
                condition.unlock()
            }
            return try work()
        }
    }
}
