// Types for http-post.js, for the benches that require it (bench/sse-load.ts).
export interface PostAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | undefined;
}
export interface Poster {
  /** Rejects on a connection error, or no answer within the poster's timeout. */
  post(base: string, path: string, body: string): Promise<PostAnswer>;
  /** Closes every socket. */
  destroy(): void;
}
export declare function createPoster(options?: { readonly timeoutMs?: number }): Poster;
