import GrantLedgerEvents

/// Events read from the log a page at a time, in position order, as an `AsyncSequence`.
///
/// The first page is read when iteration starts; if there is more, the head of the log then
/// bounds the rest of the read, so events appended while it runs are not included and the
/// read is one consistent view (the log never changes below its head). As soon as a page has
/// been read, the next one is asked for, so the store reads it while this one is transformed
/// (decoded, for typed events) and handled. Memory holds two pages at most.
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

    /// The most events the first page reads.
    static var firstPageSize: Int { 64 }

    public struct Iterator: AsyncIteratorProtocol {
        let stream: EventStream
        var page: [Element] = []
        var index = 0
        /// The read of the next page, under way; nil when there is none.
        var nextRead: Task<[RecordedEvent], any Error>?
        /// Thrown once the events before it are delivered.
        var failure: (any Error)?
        var started = false
        var finished = false
        /// Where the next page starts, how many events the query still wants, and the
        /// highest position the read may reach.
        var after: Int64
        var remaining: Int?
        var bound: Int64

        init(stream: EventStream) {
            self.stream = stream
            after = stream.query.fromPosition - 1
            remaining = stream.query.limit
            bound = stream.query.toPosition
        }

        public mutating func next() async throws -> Element? {
            while index == page.count {
                if let failure {
                    self.failure = nil
                    finished = true
                    throw failure
                }
                guard !finished else { return nil }
                // A long read stops between pages when its task is cancelled (a request past
                // its time limit, say).
                if Task.isCancelled {
                    finished = true
                    nextRead?.cancel()
                    throw CancellationError()
                }
                let events: [RecordedEvent]
                do {
                    events = try await readPage()
                } catch {
                    finished = true
                    throw error
                }
                page.removeAll(keepingCapacity: true)
                index = 0
                for event in events {
                    do { page.append(try stream.transform(event)) } catch {
                        failure = error
                        nextRead?.cancel()
                        nextRead = nil
                        break
                    }
                }
            }
            defer { index += 1 }
            return page[index]
        }

        /// The next page's events: the first read here and now, the others as read ahead.
        /// Starts reading the page after it, when there is one.
        mutating func readPage() async throws -> [RecordedEvent] {
            // The first page is short, so that a short read (a stream's, a person's) is one
            // small query; the pages after it are full.
            let limit = Swift.min(started ? stream.pageSize : Swift.min(stream.pageSize, EventStream.firstPageSize), remaining ?? .max)
            let events: [RecordedEvent]
            if !started {
                started = true
                events = limit == 0 ? [] : try await stream.storage.events(stream.query, after: after, limit: limit)
                // More than one page: bound the rest by the head as it stands now.
                if events.count == limit, limit > 0 {
                    bound = Swift.min(bound, try await stream.storage.lastEvent()?.position ?? 0)
                }
            } else if let nextRead {
                events = try await nextRead.value
                self.nextRead = nil
            } else {
                finished = true
                return []
            }
            remaining = remaining.map { $0 - events.count }
            if let last = events.last?.position, events.count == limit, limit > 0, last < bound, remaining.map({ $0 > 0 }) ?? true {
                after = last
                var query = stream.query
                query.toPosition = bound
                let storage = stream.storage, nextQuery = query, nextLimit = Swift.min(stream.pageSize, remaining ?? .max)
                nextRead = Task { try await storage.events(nextQuery, after: last, limit: nextLimit) }
            } else {
                finished = true
            }
            return events
        }
    }
}
