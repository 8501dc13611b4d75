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
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.js')).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const results = [];
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
    results.push({ bench: file, name: 'failed', value: NaN, unit: '', note: `exit ${child.status}` });
    continue;
  }
  for (const r of JSON.parse(child.stdout.trim().split('\n').pop())) results.push({ bench: file.replace('.bench.js', ''), ...r });
}
const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) };
const out = path.join(root, 'bench', 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2) + '\n');
const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : String(v));
const md = [
  `# Benchmark results`,
  '',
  `Run ${new Date().toISOString()} on Node ${machine.node}, ${machine.cpus} × ${machine.cpu}, ${machine.memGiB} GiB.`,
  '',
  '| bench | figure | value | unit | note |',
  '| --- | --- | ---: | --- | --- |',
  ...results.map((r) => `| ${r.bench} | ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.note ?? ''} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'latest.md'), md);
process.stdout.write(md);
