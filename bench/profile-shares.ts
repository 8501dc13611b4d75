// Where one thread's time goes while `work` runs: V8's sampling profiler (node:inspector), its
// samples' self time summed by where the function lives, as shares of the sampled time. For a
// bench note that names what bounds a figure from a profile rather than a guess. Profiling slows
// the work down: run it on its own, never inside a measured span.
import { Session, type Profiler } from 'node:inspector';

/** A share's name and the test of a sampled frame's URL and function name that puts it there (first match wins). */
export interface ShareRule {
  readonly name: string;
  readonly matches: (url: string, functionName: string) => boolean;
}

/** Shares of the busy (not idle) sampled time, largest first; what no rule took is "the rest". */
export type ProfileShares = readonly { readonly name: string; readonly percent: number }[];

export async function profileShares(rules: readonly ShareRule[], work: () => Promise<unknown>): Promise<ProfileShares> {
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (error, answer) => (error ? reject(error) : resolve(answer as R))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    await work();
    const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
    return sharesOf(profile, rules);
  } finally {
    session.disconnect();
  }
}

function sharesOf(profile: Profiler.Profile, rules: readonly ShareRule[]): ProfileShares {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let busy = 0;
  samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const dt = deltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    const name = rules.find((r) => r.matches(frame.url, frame.functionName))?.name ?? 'the rest (Node internals and natives)';
    micros.set(name, (micros.get(name) ?? 0) + dt);
    busy += dt;
  });
  return [...micros].map(([name, us]) => ({ name, percent: busy > 0 ? (100 * us) / busy : 0 })).sort((a, b) => b.percent - a.percent);
}

/** "a 31%, b 22%, …" */
export const describeShares = (shares: ProfileShares): string => shares.map((s) => `${s.name} ${s.percent.toFixed(0)}%`).join(', ');
