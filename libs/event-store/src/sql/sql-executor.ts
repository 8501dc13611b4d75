// The tiny difference between a `pg.Pool` and a `PGlite` instance, so the event store's SQL has
// one code path. Every bigint/xid8 result is selected as text by the SQL, because pg returns int8
// as strings and PGlite as numbers.

export type SqlRow = Record<string, unknown>;

export interface SqlQueryable {
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlExecutor extends SqlQueryable {
  /**
   * How readAll asks for a page: as one row holding the page's JSON array (true), or a row per
   * event (false). Which is cheaper depends on the engine, measured with cold rebuilds taken in
   * turn (see the executors).
   */
  readonly pageAsOneRow: boolean;
  /** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws). */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel`; resolves to an unlisten function. `onLost` is
   * called (once) if the listening connection dies: no more notifications will come from it.
   */
  listen(channel: string, onNotify: () => void, onLost?: (error: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A FIFO mutex: PGlite has one connection, so its transactions must not interleave. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
