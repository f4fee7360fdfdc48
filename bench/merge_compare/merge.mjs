// Three-way merge of a 1,000-element shoe design with 100 edits a side (20
// of them on the same properties), in Yjs and Automerge, against the merge
// the Cordwain store runs on the same shape of design and edits. Prints
// median milliseconds and ratios as JSON.
//
//   npm install && node merge.mjs          # Yjs and Automerge
//   node merge.mjs --go                    # also runs the Go benchmarks and prints ratios
//
// Times are wall clock (performance.now, time.Now) and CPU time of the
// timed call (Node: process.cpuUsage, the whole process, so V8's helper
// threads count against Yjs and Automerge; Go: clock_gettime(CLOCK_THREAD_CPUTIME_ID) of the calling
// thread, which the goroutine is locked to). On a loaded machine wall
// time is mostly waiting for a core, and a side that makes system calls
// (the Go side writes its transaction) waits once per call.
//
// Every side is warmed (WARM runs, default 20, not counted) and then run
// RUNS times (default 120); medians of the counted runs. Each side
// computes its own diff inside the timer:
//
//   Yjs: encodeStateVector(a), encodeStateAsUpdate(b, that vector) (the
//     changes b has that a lacks), applyUpdate(a, update) in place.
//   Automerge: A.merge(a, b): finds the changes b has that a lacks and
//     applies them to a in place.
//   Not timed on either: building the base, loading both sides and making
//     the edits (each side's 100 edits in one transaction).
//
// Go (--go): go_ms is models/store BenchmarkMergeHeads (sync=false,
// history=0): Store.MergeHeads of one stored head into another's branch,
// the path the window and the receive path's settle take. Inside its
// timer: the merge base (a walk down the version DAG), each side's changed
// elements (read off the per-version records written at commit), the
// per-property stamps of the elements both sides changed (derived from
// history), the three-way merge with conflicts, encoding the merged
// elements and manifest and hashing it (the merge version's ID), and the
// bbolt transaction writing all of it plus the conflicts and the moved
// branch, then the in-memory index. Without fsync (NoSync); go_fsync_ms is
// the same with fsync. go_compute_ms is BenchmarkMergeCompute: the same
// merge without the write (base to merged manifest hash and conflicts).
// Not timed: committing the two sides. go_micro_ms is the old in-memory
// micro-benchmark models.BenchmarkMerge3 (MergeChanges given each side's
// changed-element list computed outside the timer), not a path the app
// runs, kept for reference only.
import * as Y from 'yjs'
import * as A from '@automerge/automerge'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const RUNS = Number(process.env.RUNS || 120)
const WARM = Number(process.env.WARM || 20)
const EDITS = 100
const SHARED = 20

// Deterministic PRNG (mulberry32) so every run makes the same design.
function rng (seed) {
  return () => {
    seed |= 0; seed = seed + 0x6D2B79F5 | 0
    let t = Math.imul(seed ^ seed >>> 15, 1 | seed)
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
    return ((t ^ t >>> 14) >>> 0) / 4294967296
  }
}
const hex = (r) => Array.from({ length: 16 }, () => Math.floor(r() * 16).toString(16)).join('')
// A path's point list is one atomic property: its bytes.
const pathBytes = (r, segs) => {
  const f = new Float64Array(2 * (1 + 3 * segs))
  for (let i = 0; i < f.length; i++) f[i] = Math.floor(r() * 3000) / 10
  return new Uint8Array(f.buffer)
}

function design () {
  const r = rng(42)
  const els = {}
  const mats = []
  for (let i = 0; i < 42; i++) { const id = hex(r); mats.push(id); els[id] = { kind: 'material', name: `material ${i}`, unit: 'dm2', thickness: 1.1, supplier: 'Wenzhou Textiles' } }
  const lines = []
  for (let i = 0; i < 600; i++) { const id = hex(r); lines.push(id); els[id] = { kind: 'styleline', name: `line ${i}`, linekind: 'style', path: pathBytes(r, 4) } }
  const pieces = []
  for (let i = 0; i < 250; i++) {
    const id = hex(r); pieces.push(id)
    els[id] = { kind: 'piece', name: `piece ${i}`, role: 'overlay', quantity: 2, mirror: true, outline: pathBytes(r, 8), edges: 'lasting,lap,fold', material: mats[i % 42], lines: `${lines[i]},${lines[i + 250]}`, order: i }
  }
  for (let i = 0; i < 100; i++) els[hex(r)] = { kind: 'mark', piece: pieces[Math.floor(r() * 250)], markkind: 'punch', x: 10, y: 20, size: 3 }
  for (let i = 0; i < 8; i++) {
    const parts = {}
    for (const p of pieces.slice(0, 40)) parts[p] = `${els[p].material}|black|#101010`
    els[hex(r)] = { kind: 'colourway', name: `colourway ${i}`, parts: JSON.stringify(parts) }
  }
  return els
}

// edits lists 100 (op, id, prop, value) edits for one side.
function edits (els, seed, side) {
  const r = rng(seed)
  const ids = Object.keys(els).sort()
  const out = []
  for (let i = 0; i < EDITS; i++) {
    const id = i < SHARED ? ids[i * 7] : ids[Math.floor(r() * ids.length)]
    const e = els[id]
    if (i >= SHARED && i % 25 === 0) out.push({ op: 'del', id })
    else if (i >= SHARED && i % 25 === 1) out.push({ op: 'add', id: hex(r), value: { kind: 'mark', piece: id, markkind: 'notch', x: 1, y: 2 } })
    else if (e.kind === 'styleline') out.push({ op: 'set', id, prop: 'path', value: pathBytes(r, 4) })
    else if (e.kind === 'piece' && i % 2 === 0) out.push({ op: 'set', id, prop: 'outline', value: pathBytes(r, 8) })
    else if (e.kind === 'piece') out.push({ op: 'set', id, prop: 'quantity', value: 1 + Math.floor(r() * 4) })
    else out.push({ op: 'set', id, prop: 'name', value: `${side} ${i}` })
  }
  return out
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

function benchYjs (els, ea, eb) {
  const base = new Y.Doc()
  base.transact(() => {
    const root = base.getMap('els')
    for (const [id, props] of Object.entries(els)) {
      const m = new Y.Map()
      for (const [k, v] of Object.entries(props)) m.set(k, v)
      root.set(id, m)
    }
  })
  const baseUpdate = Y.encodeStateAsUpdate(base)
  const apply = (doc, list) => doc.transact(() => {
    const root = doc.getMap('els')
    for (const ed of list) {
      if (ed.op === 'del') root.delete(ed.id)
      else if (ed.op === 'add') { const m = new Y.Map(); for (const [k, v] of Object.entries(ed.value)) m.set(k, v); root.set(ed.id, m) } else root.get(ed.id)?.set(ed.prop, ed.value)
    }
  })
  const times = []
  const cpu = []
  for (let run = 0; run < WARM + RUNS; run++) {
    const a = new Y.Doc(); Y.applyUpdate(a, baseUpdate); apply(a, ea)
    const b = new Y.Doc(); Y.applyUpdate(b, baseUpdate); apply(b, eb)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
    const t = performance.now() - t0
    const c = process.cpuUsage(c0)
    if (run >= WARM) { times.push(t); cpu.push((c.user + c.system) / 1000) }
  }
  return { wall: median(times), cpu: median(cpu) }
}

function benchAutomerge (els, ea, eb) {
  let base = A.init({ actor: '00'.repeat(16) })
  base = A.change(base, (d) => { d.els = {}; for (const [id, props] of Object.entries(els)) d.els[id] = props })
  const bin = A.save(base)
  const apply = (doc, list) => A.change(doc, (d) => {
    for (const ed of list) {
      if (ed.op === 'del') delete d.els[ed.id]
      else if (ed.op === 'add') d.els[ed.id] = ed.value
      else if (d.els[ed.id]) d.els[ed.id][ed.prop] = ed.value
    }
  })
  const times = []
  const cpu = []
  for (let run = 0; run < WARM + RUNS; run++) {
    const a = apply(A.load(bin, { actor: 'aa'.repeat(16) }), ea)
    const b = apply(A.load(bin, { actor: 'bb'.repeat(16) }), eb)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    A.merge(a, b)
    const t = performance.now() - t0
    const c = process.cpuUsage(c0)
    if (run >= WARM) { times.push(t); cpu.push((c.user + c.system) / 1000) }
  }
  return { wall: median(times), cpu: median(cpu) }
}

function benchGo () {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
  const go = (args) => {
    const res = spawnSync('go', ['test', '-run', '^$', '-timeout', '60m', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
    if (res.status !== 0) throw new Error(`go test failed: ${res.stderr || res.stdout}`)
    return res.stdout
  }
  const metric = (out, name, unit) => {
    const m = out.match(new RegExp(`^${name}-\\d+\\s+\\d+\\s+.*?([\\d.]+) ${unit}`, 'm'))
    if (!m) throw new Error(`no ${name} ${unit} in:\n${out}`)
    return Number(m[1])
  }
  const store = go(['-bench', '^BenchmarkMerge(Heads|Compute)$', '-benchtime', '1x', './models/store/'])
  const micro = go(['-bench', '^BenchmarkMerge3$', '-count', '5', './models/'])
  const microMs = [...micro.matchAll(/^BenchmarkMerge3-\d+\s+\d+\s+([\d.]+) ns\/op/gm)].map((m) => Number(m[1]) / 1e6)
  return {
    heads: metric(store, 'BenchmarkMergeHeads/sync=false/history=0', 'median-ms'),
    headsCPU: metric(store, 'BenchmarkMergeHeads/sync=false/history=0', 'median-cpu-ms'),
    headsHistory: metric(store, 'BenchmarkMergeHeads/sync=false/history=1000', 'median-ms'),
    headsHistoryCPU: metric(store, 'BenchmarkMergeHeads/sync=false/history=1000', 'median-cpu-ms'),
    fsync: metric(store, 'BenchmarkMergeHeads/sync=true/history=0', 'median-ms'),
    compute: metric(store, 'BenchmarkMergeCompute', 'median-ms'),
    computeCPU: metric(store, 'BenchmarkMergeCompute', 'median-cpu-ms'),
    micro: median(microMs)
  }
}

const els = design()
const ea = edits(els, 1, 'a')
const eb = edits(els, 2, 'b')
const out = { elements: Object.keys(els).length, edits_per_side: EDITS, shared_edits: SHARED, warm: WARM, runs: RUNS }
const yjs = benchYjs(els, ea, eb)
const am = benchAutomerge(els, ea, eb)
out.yjs_ms = +yjs.wall.toFixed(3)
out.yjs_cpu_ms = +yjs.cpu.toFixed(3)
out.automerge_ms = +am.wall.toFixed(3)
out.automerge_cpu_ms = +am.cpu.toFixed(3)
if (process.argv.includes('--go')) {
  const go = benchGo()
  out.go_ms = go.heads
  out.go_cpu_ms = go.headsCPU
  out.go_history1000_ms = go.headsHistory
  out.go_history1000_cpu_ms = go.headsHistoryCPU
  out.go_fsync_ms = go.fsync
  out.go_compute_ms = go.compute
  out.go_compute_cpu_ms = go.computeCPU
  out.go_micro_ms = +go.micro.toFixed(4)
  out.yjs_over_go = +(out.yjs_ms / go.heads).toFixed(2)
  out.automerge_over_go = +(out.automerge_ms / go.heads).toFixed(2)
  out.yjs_over_go_compute = +(out.yjs_ms / go.compute).toFixed(2)
  out.automerge_over_go_compute = +(out.automerge_ms / go.compute).toFixed(2)
  out.yjs_over_go_cpu = +(out.yjs_cpu_ms / go.headsCPU).toFixed(2)
  out.automerge_over_go_cpu = +(out.automerge_cpu_ms / go.headsCPU).toFixed(2)
  out.yjs_over_go_compute_cpu = +(out.yjs_cpu_ms / go.computeCPU).toFixed(2)
  out.automerge_over_go_compute_cpu = +(out.automerge_cpu_ms / go.computeCPU).toFixed(2)
  out.yjs_over_go_micro = +(out.yjs_ms / go.micro).toFixed(1)
  out.automerge_over_go_micro = +(out.automerge_ms / go.micro).toFixed(1)
  out.targets = { yjs_over_go: 20, automerge_over_go: 100 }
}
console.log(JSON.stringify(out, null, 2))
