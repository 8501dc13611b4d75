import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEvent, createResultsView, generateSyntheticElection, indexElection, type ElectionIndex } from '@tally/domain';
import { viewDigest } from './digest';
import {
  parseProjectionFile,
  PROJECTION_FILE_FORMAT,
  projectionFileName,
  projectionFileOf,
  readProjectionFile,
  readProjectionFiles,
  removeProjectionFile,
  restoreProjection,
  writeProjectionFile,
} from './projection-files';

const election = (seed: number, id?: string): ElectionIndex => {
  const definition = generateSyntheticElection({ seed, precincts: 6, regions: 1, districtsPerRegion: 2, lists: 3, seats: 5, singleMemberDistricts: 2 });
  return indexElection(id ? { ...definition, id } : definition);
};

/** A view with a turnout report folded in, so its digest is not the empty view's. */
function viewOf(index: ElectionIndex) {
  const view = createResultsView(index);
  const precinctId = index.precinctIds[0];
  const meta = { submissionId: 's1', electionId: index.definition.id, precinctId, submittedBy: precinctId, receivedAt: '2026-03-15T10:01:00Z', signature: null };
  const outcome = applyEvent(view, { type: 'TurnoutReported', data: { ...meta, time: index.turnoutTimes[0], ballotsIssued: 7 }, position: '1:2', recordedAt: '2026-03-15T10:01:01.000Z' });
  expect(outcome.kind).toBe('applied');
  return view;
}

describe('projection files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-projection-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a file atomically and restores from it the very view it was written from', async () => {
    const index = election(1);
    const view = viewOf(index);
    await writeProjectionFile(dir, projectionFileOf(view, '1:9'));
    expect(await readdir(dir)).toEqual([projectionFileName(index.definition.id)]);
    const read = await readProjectionFile(dir, index.definition.id);
    if (read.kind !== 'found') throw new Error(`not found: ${JSON.stringify(read)}`);
    expect(read.file).toMatchObject({ format: PROJECTION_FILE_FORMAT, electionId: index.definition.id, through: '1:9' });
    const restored = restoreProjection(read.file, index);
    expect(restored.ok && viewDigest(restored.value)).toBe(viewDigest(view));
    await removeProjectionFile(dir, index.definition.id);
    expect(await readProjectionFile(dir, index.definition.id)).toEqual({ kind: 'missing' });
  });

  it('parses only a well-formed file of its format, naming what is wrong', () => {
    const file = projectionFileOf(viewOf(election(1)), '1:9');
    const text = (v: unknown) => JSON.stringify(v);
    expect(parseProjectionFile(text(file))).toEqual({ ok: true, value: file });
    expect(parseProjectionFile('{"format":')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(parseProjectionFile(text({ ...file, format: 'other.v9' }))).toEqual({ ok: false, error: `not a ${PROJECTION_FILE_FORMAT} file (format other.v9)` });
    expect(parseProjectionFile('[]')).toMatchObject({ ok: false, error: expect.stringContaining(`not a ${PROJECTION_FILE_FORMAT} file`) });
    expect(parseProjectionFile(text({ ...file, through: 12 }))).toEqual({ ok: false, error: 'incomplete: through is missing or not a string' });
    expect(parseProjectionFile(text({ ...file, definitionHash: undefined }))).toEqual({ ok: false, error: 'incomplete: definitionHash is missing or not a string' });
    expect(parseProjectionFile(text({ ...file, view: null }))).toEqual({ ok: false, error: 'incomplete: view is missing or of the wrong type' });
    expect(parseProjectionFile(text({ ...file, view: { ...file.view, refusals: { total: 0 } } }))).toEqual({ ok: false, error: 'incomplete: view.refusals is missing or of the wrong type' });
    expect(parseProjectionFile(text({ ...file, view: { ...file.view, contests: [{ id: 'list' }] } }))).toMatchObject({ ok: false, error: expect.stringContaining('view.contests') });
  });

  it("refuses to serve another election's file, or one written under another definition", () => {
    const index = election(1);
    const file = projectionFileOf(viewOf(index), '1:9');
    expect(restoreProjection(file, election(1, 'elsewhere-2026'))).toEqual({ ok: false, error: `it holds election ${index.definition.id}, not elsewhere-2026` });
    const redefined = indexElection({ ...index.definition, turnoutTimes: ['09:00'] });
    expect(restoreProjection(file, redefined)).toEqual({ ok: false, error: 'the definition has changed' });
    expect(restoreProjection({ ...file, definitionHash: 'x'.repeat(64) }, index)).toEqual({ ok: false, error: 'the definition has changed' });
    expect(restoreProjection({ ...file, view: { ...file.view, precinctTurnout: 'AA' } }, index)).toEqual({ ok: false, error: 'its view does not restore: corrupt (precinctTurnout)' });
  });

  it('reads a directory: every projection file by name, each parsed; none when there is no directory', async () => {
    expect(await readProjectionFiles(join(dir, 'absent'))).toEqual([]);
    const a = election(1);
    const b = election(2, 'b-2026');
    await writeProjectionFile(dir, projectionFileOf(viewOf(a), '1:9'));
    await writeProjectionFile(dir, projectionFileOf(viewOf(b), '1:9'));
    await writeFile(join(dir, 'results-broken.json'), 'nope');
    await writeFile(join(dir, 'notes.txt'), 'not a projection file');
    await writeFile(join(dir, `${projectionFileName('x')}.123.tmp`), 'an interrupted write');
    const entries = await readProjectionFiles(dir);
    expect(entries.map((e) => [e.path, e.parsed.ok])).toEqual(
      [
        [join(dir, projectionFileName(a.definition.id)), true],
        [join(dir, projectionFileName('b-2026')), true],
        [join(dir, 'results-broken.json'), false],
      ].sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
    );
    expect(JSON.parse(await readFile(join(dir, projectionFileName('b-2026')), 'utf8'))).toMatchObject({ electionId: 'b-2026' });
  });
});
