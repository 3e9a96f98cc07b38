import GrantLedgerEvents

/// Events read from the log a page at a time, in position order, as an `AsyncSequence`.
///
/// The first page is read when iteration starts, and the head of the log then bounds the whole
/// read: events appended while it runs are not included, so a read is one consistent view (the
/// log never changes below its head). While the caller handles one page, the next is read, and
/// `transform` (decoding, for typed events) applied to it, in a task of its own.
public struct EventStream<Element: Sendable>: AsyncSequence, Sendable {
    let storage: any EventStorage
    let query: EventQuery
    let pageSize: Int
    let transform: @Sendable (RecordedEvent) throws -> Element

    init(storage: any EventStorage, query: EventQuery, pageSize: Int, transform: @escaping @Sendable (RecordedEvent) throws -> Element) {
        self.storage = storage
        self.query = query
        self.pageSize = Swift.max(1, pageSize)
        self.transform = transform
    }

    public func makeAsyncIterator() -> Iterator { Iterator(stream: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: EventStream
        var page: [Element] = []
        var index = 0
        var next: Task<Page, any Error>?
        var started = false
        var finished = false

        struct Page: Sendable {
            let elements: [Element]
            /// The last position read, or nil when nothing is left.
            let last: Int64?
            let remaining: Int?
            /// Why the page stops short: the events before it are delivered, then it is thrown.
            var failure: (any Error)? = nil
            /// The highest position the read may reach: the query's end, or the head when the
            /// read began, whichever is lower.
            let bound: Int64
        }

        init(stream: EventStream) { self.stream = stream }

        public mutating func next() async throws -> Element? {
            if index < page.count {
                defer { index += 1 }
                return page[index]
            }
            guard !finished else { return nil }
            // A long read stops between pages when its task is cancelled (a request past its
            // time limit, say).
            if Task.isCancelled {
                finished = true
                next?.cancel()
                throw CancellationError()
            }
            if !started {
                started = true
                next = Self.fetch(stream, bound: nil, after: stream.query.fromPosition - 1, remaining: stream.query.limit)
            }
            guard let pending = next else {
                finished = true
                return nil
            }
            let fetched: Page
            do { fetched = try await pending.value } catch {
                finished = true
                throw error
            }
            page = fetched.elements
            index = 0
            if let failure = fetched.failure {
                // Deliver the events before the one that failed, then the failure.
                next = Task { throw failure }
                if !page.isEmpty {
                    index = 1
                    return page[0]
                }
                finished = true
                throw failure
            }
            if let last = fetched.last, fetched.remaining.map({ $0 > 0 }) ?? true {
                next = Self.fetch(stream, bound: fetched.bound, after: last, remaining: fetched.remaining)
            } else {
                next = nil
            }
            return try await self.next()
        }

        /// Reads the page after `after` and transforms it, in a task of its own.
        static func fetch(_ stream: EventStream, bound: Int64?, after: Int64, remaining: Int?) -> Task<Page, any Error> {
            Task {
                let limit = Swift.min(stream.pageSize, remaining ?? .max)
                var query = stream.query
                let (events, reached) = try await stream.storage.read { reader in
                    var reached = query.toPosition
                    if let bound { reached = bound } else { reached = Swift.min(reached, try await reader.lastEvent()?.position ?? 0) }
                    query.toPosition = reached
                    return (try await reader.events(query, after: after, limit: limit), reached)
                }
                var elements: [Element] = []
                elements.reserveCapacity(events.count)
                for event in events {
                    do { elements.append(try stream.transform(event)) } catch {
                        return Page(elements: elements, last: nil, remaining: 0, failure: error, bound: reached)
                    }
                }
                let more = events.count == limit && (events.last?.position ?? reached) < reached
                return Page(elements: elements, last: more ? events.last?.position : nil,
                            remaining: remaining.map { $0 - events.count }, bound: reached)
            }
        }
    }
}
