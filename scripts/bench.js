#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.bench.js) one after another, in separate
// processes so one's heap does not skew another's, and writes the figures to
// bench/results/latest.json and bench/results/latest.md. Figures are reported, never asserted.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = path.join(root, 'dist', 'bench');
// Run only when named (`npm run bench -- faults`): the 100-cycle fault campaign takes about 20 minutes.
const ON_REQUEST = ['faults.bench.js'];
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => (only.length === 0 ? !ON_REQUEST.includes(f) : only.some((o) => f.includes(o))))
  .sort();
const results = [];
// A bench that fails keeps its last figures in the results (with their dates) beside a row that
// says it failed, and the run exits 1 naming it: a failure is never silent.
const failures = [];
const benchOf = (file) => file.replace(/\.bench\.js$/, '');
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', path.join(__dirname, 'bench-one.js'), path.join(dir, file)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    failures.push({ bench: benchOf(file), name: 'failed', value: NaN, unit: '', note: `exit ${child.status ?? child.signal}: the rows of this bench are the last run's that measured them` });
    continue;
  }
  for (const r of JSON.parse(child.stdout.trim().split('\n').pop())) results.push({ bench: benchOf(file), ...r });
}
const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) };
const out = path.join(root, 'bench', 'results');
fs.mkdirSync(out, { recursive: true });
const latestJson = path.join(out, 'latest.json');
const at = new Date().toISOString();

// The run before this one: each figure keeps its previous value beside it (matched by id, else by
// bench and name), and a run of some benches keeps the other benches' rows as they were.
let earlier = { results: [] };
try {
  earlier = JSON.parse(fs.readFileSync(latestJson, 'utf8'));
} catch {
  // First run: nothing to compare with.
}
// A figure is found by its id, or by bench and name (a row measured before it had an id).
const before = new Map(earlier.results.flatMap((r) => [[`${r.bench}\u0000${r.name}`, r], ...(r.id ? [[r.id, r]] : [])]));
const previousOf = (r) => (r.id && before.get(r.id)) || before.get(`${r.bench}\u0000${r.name}`);
const ran = new Set(results.map((r) => r.bench));
const stamped = results.map((r) => {
  const prev = previousOf(r);
  return { ...r, at, ...(prev && Number.isFinite(prev.value) ? { previous: { value: prev.value, at: prev.at ?? earlier.at } } : {}) };
});
const attempted = new Set(files.map(benchOf));
// An earlier run's failure row goes once its bench is run again (named 'x.bench.js' before 2026-12-06).
const kept = earlier.results
  .filter((r) => !ran.has(r.bench) && !(r.name === 'failed' && attempted.has(benchOf(r.bench))))
  .map((r) => ({ ...r, at: r.at ?? earlier.at }));
const merged = [...kept, ...stamped, ...failures.map((r) => ({ ...r, at }))].sort((a, b) => (a.bench < b.bench ? -1 : a.bench > b.bench ? 1 : 0));
fs.writeFileSync(latestJson, JSON.stringify({ at: ran.size > 0 ? at : earlier.at, machine, results: merged }, null, 2) + '\n');

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : String(v));
const prevOf = (r) => (r.previous ? fmt(r.previous.value) : '');
const md = [
  `# Benchmark results`,
  '',
  `Last run ${ran.size > 0 ? at : earlier.at} on Node ${machine.node}, ${machine.cpus} × ${machine.cpu}, ${machine.memGiB} GiB (benches: ${[...ran].join(', ')}); each row says when it was measured.`,
  '',
  '| bench | id | figure | value | previous | unit | measured | note |',
  '| --- | --- | --- | ---: | ---: | --- | --- | --- |',
  ...merged.map((r) => `| ${r.bench} | ${r.id ?? ''} | ${r.name} | ${fmt(r.value)} | ${prevOf(r)} | ${r.unit} | ${r.at.slice(0, 10)} | ${r.note ?? ''} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'latest.md'), md);

// The README's performance section: the national-scale figures against their goals, the previous
// run beside each (between the markers; the rest of the README is left as it is).
const goals = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'goals.json'), 'utf8'));
const byId = new Map(merged.filter((r) => r.id).map((r) => [r.id, r]));
const verdict = (g, r) => {
  if (!r || !Number.isFinite(r.value)) return 'not measured';
  if (g.op === 'report') return 'reported';
  return (g.op === '>=' ? r.value >= g.goal : r.value <= g.goal) ? 'met' : 'missed';
};
const table = [
  '| id | what | goal | value | previous | measured | status | what bounds it |',
  '| --- | --- | ---: | ---: | ---: | --- | --- | --- |',
  ...Object.entries(goals)
    .filter(([id]) => id !== '//')
    .map(([id, g]) => {
      const r = byId.get(id);
      const goal = g.op === 'report' ? '—' : `${g.op === '>=' ? '≥' : '≤'} ${fmt(g.goal)} ${g.unit}`;
      return `| \`${id}\` | ${g.what} | ${goal} | ${r ? `${fmt(r.value)} ${r.unit}` : ''} | ${r ? prevOf(r) : ''} | ${r ? r.at.slice(0, 10) : ''} | ${verdict(g, r)} | ${(r?.note ?? '').replace(/\|/g, '\\|')} |`;
    }),
].join('\n');
const readme = path.join(root, 'README.md');
const text = fs.readFileSync(readme, 'utf8');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
if (text.includes(START) && text.includes(END)) {
  fs.writeFileSync(readme, `${text.slice(0, text.indexOf(START) + START.length)}\n${table}\n${text.slice(text.indexOf(END))}`);
}
process.stdout.write(md);
if (failures.length > 0) {
  process.stderr.write(`bench: ${failures.length} failed (${failures.map((f) => f.bench).join(', ')}): see their output above\n`);
  process.exitCode = 1;
}
