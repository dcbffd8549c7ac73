// Seeded synthetic inputs for the benchmarks: workflows (JSON/YAML), a workspace of small
// workflows, and the secrets a vault holds. Same seed, same bytes, so runs compare like with like.
// Run directly to write one file: node --import tsx bench/generate.ts --nodes 10000 --format yaml --out FILE
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, CatalogSecret } from '../shared/catalog';
import type { SecretType } from '../shared/secretTypes';
import type { WorkflowFormat } from '../shared/workflowTypes';

export const DEFAULT_SEED = 20260501;

/** mulberry32: tiny, fast and good enough to make varied but repeatable text. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const token = (length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += TOKEN_CHARS[int(TOKEN_CHARS.length)];
    return out;
  };
  return { next, int, pick, token };
}

export interface Random {
  next(): number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  token(length: number): string;
}

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TAGS = ['payments', 'crm', 'internal', 'prod', 'staging', 'team-a', 'team-b', 'legacy'] as const;
const TYPES: readonly SecretType[] = ['apiKey', 'basicAuth', 'bearerToken', 'oauth', 'custom'];

export interface SecretSpec {
  name: string;
  type: SecretType;
  description: string;
  tags: string[];
  /** Field values in the type's own shape (oauth scopes as a list). */
  data: Record<string, string | string[]>;
}

/** `count` secrets; the first 500 are the ones workflows refer to. Names are unique ignoring case. */
export function generateSecrets(count: number, seed = DEFAULT_SEED): SecretSpec[] {
  const random = createRandom(seed ^ 0x5ec2e7);
  const specs: SecretSpec[] = [];
  for (let i = 0; i < count; i++) {
    const type = TYPES[i % TYPES.length] as SecretType;
    const name = `${random.pick(['stripe', 'github', 'postgres', 'slack', 'crm', 'mailer', 's3', 'ledger'])}_${String(i).padStart(5, '0')}`;
    specs.push({
      name,
      type,
      description: `Synthetic ${type} secret ${i} for the benchmarks`,
      tags: [random.pick(TAGS), random.pick(TAGS)].filter((tag, index, all) => all.indexOf(tag) === index),
      data: dataFor(type, random),
    });
  }
  return specs;
}

function dataFor(type: SecretType, random: Random): Record<string, string | string[]> {
  switch (type) {
    case 'apiKey':
      return { value: `sk_live_${random.token(32)}` };
    case 'basicAuth':
      return { username: `user_${random.token(8)}`, password: random.token(24) };
    case 'bearerToken':
      return { token: `eyJ${random.token(60)}`, expiresAt: '2099-12-31T00:00:00Z' };
    case 'oauth':
      return {
        clientId: `client_${random.token(12)}`,
        clientSecret: random.token(40),
        accessToken: random.token(48),
        tokenUrl: 'https://auth.example.com/oauth/token',
        scopes: ['read', 'write'],
      };
    case 'custom':
      return { host: `db-${random.token(6)}.internal`, port: '5432', user: `svc_${random.token(6)}`, password: random.token(20), database: 'main' };
  }
}

/** The fields a reference may name for a secret (all present in its data). */
export function fieldsOf(spec: SecretSpec): string[] {
  return Object.keys(spec.data);
}

/** What the language server is told: names, types and field names, never values. */
export function catalogOf(specs: SecretSpec[], environment = 'bench'): Catalog {
  const secrets: CatalogSecret[] = specs.map((spec) => ({
    name: spec.name,
    type: spec.type,
    description: spec.description,
    tags: spec.tags,
    fields: fieldsOf(spec),
    ...(typeof spec.data.expiresAt === 'string' ? { expiresAt: spec.data.expiresAt } : {}),
    source: { kind: 'local' },
  }));
  return { state: 'ready', environment, secrets };
}

export interface GeneratedWorkflow {
  text: string;
  format: WorkflowFormat;
  nodes: number;
  references: number;
  /** Distinct secret names referenced (every one of the first min(500, secrets) secrets). */
  distinctSecrets: number;
}

export interface WorkflowOptions {
  nodes: number;
  format: WorkflowFormat;
  /** The secrets references draw from; the first `referenced` are used. */
  secrets: SecretSpec[];
  referenced?: number;
  seed?: number;
  /** Bytes of filler per node, to reach the target file size (~5 MB JSON / ~4 MB YAML at 10k nodes). */
  filler?: number;
  /** References to a secret that does not exist (unknown-secret), spread over the nodes. */
  mistakes?: number;
}

interface NodeModel {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  /** YAML only: how to write each string, by path key. */
  styles: Map<string, YamlStyle>;
}

type YamlStyle = 'plain' | 'double' | 'single' | 'literal' | 'folded';

/** A workflow of `nodes` nodes with ~2 references per node (1 to 3), every referenced secret used at least once. */
export function generateWorkflow(options: WorkflowOptions): GeneratedWorkflow {
  const random = createRandom((options.seed ?? DEFAULT_SEED) ^ options.nodes);
  const referenced = Math.min(options.referenced ?? 500, options.secrets.length);
  let cursor = 0;
  let references = 0;
  const mistakeEvery = options.mistakes ? Math.max(1, Math.floor((options.nodes - 1) / options.mistakes)) : 0;
  let mistakes = 0;
  const nextReference = (): string => {
    if (mistakeEvery && references > 0 && references % mistakeEvery === 0 && mistakes < (options.mistakes ?? 0)) {
      mistakes++;
      references++;
      return `{{secrets.missing_secret_${mistakes}.value}}`;
    }
    const spec = options.secrets[cursor < referenced ? cursor : random.int(referenced)] as SecretSpec;
    cursor++;
    references++;
    const field = random.pick(fieldsOf(spec));
    // One in ten written with the spaces the grammar allows.
    return random.int(10) === 0 ? `{{ secrets.${spec.name}.${field} }}` : `{{secrets.${spec.name}.${field}}}`;
  };
  const nodes: NodeModel[] = [];
  for (let i = 0; i < options.nodes; i++) nodes.push(makeNode(i, random, nextReference, options.filler ?? 8));
  const name = `Benchmark workflow of ${options.nodes} nodes`;
  const description = 'Synthetic workflow made by bench/generate.ts: "quoted" text, café ünïcode, and references.';
  const text = options.format === 'json' ? toJson(name, description, nodes) : toYaml(name, description, nodes);
  return { text, format: options.format, nodes: options.nodes, references, distinctSecrets: Math.min(referenced, references) };
}

function makeNode(index: number, random: Random, reference: () => string, filler: number): NodeModel {
  const id = `node-${String(index).padStart(6, '0')}`;
  const count = 1 + random.int(3); // 1..3, mean 2
  const refs = Array.from({ length: count }, reference);
  const styles = new Map<string, YamlStyle>();
  const kind = random.pick(['http.request', 'db.query', 'email.send', 'webhook.call'] as const);
  const config: Record<string, unknown> = {
    url: `https://api${random.int(9)}.example.com/v${1 + random.int(3)}/${random.token(8)}?page=${random.int(100)}`,
    method: random.pick(['GET', 'POST', 'PUT']),
    timeoutMs: 1000 * (1 + random.int(60)),
    headers: { Authorization: `Bearer ${refs[0]}` },
    body: { note: `Étape ${index}: données “${random.token(6)}” ${random.token(filler)}` },
  };
  styles.set('headers.Authorization', random.pick(['plain', 'double', 'single'] as const));
  if (refs[1]) {
    if (random.int(4) === 0) {
      config.template = `line one\nuser=${refs[1]}\nend\n`;
      styles.set('template', 'literal');
    } else {
      (config.body as Record<string, unknown>).credential = refs[1];
      styles.set('body.credential', 'double');
    }
  }
  if (refs[2]) {
    config.connection = `postgres://app:${refs[2]}@db.internal:5432/main`;
    styles.set('connection', random.pick(['plain', 'folded'] as const));
  }
  return { id, name: `Step ${index} ${kind}`, type: kind, config, styles };
}

function toJson(name: string, description: string, nodes: NodeModel[]): string {
  const doc = { name, description, version: 1, nodes: nodes.map(({ id, name: nodeName, type, config }) => ({ id, name: nodeName, type, config })) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function toYaml(name: string, description: string, nodes: NodeModel[]): string {
  const out: string[] = [`name: ${name}`, `description: ${yamlDouble(description)}`, 'version: 1', 'nodes:'];
  for (const node of nodes) {
    out.push(`  - id: ${node.id}`, `    name: ${node.name}`, `    type: ${node.type}`, '    config:');
    writeYamlMap(out, node.config, 6, '', node.styles);
  }
  return `${out.join('\n')}\n`;
}

function writeYamlMap(out: string[], map: Record<string, unknown>, indent: number, prefix: string, styles: Map<string, YamlStyle>): void {
  const pad = ' '.repeat(indent);
  for (const [key, value] of Object.entries(map)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      out.push(`${pad}${key}: [${value.map((item) => String(item)).join(', ')}]`);
    } else if (value !== null && typeof value === 'object') {
      out.push(`${pad}${key}:`);
      writeYamlMap(out, value as Record<string, unknown>, indent + 2, path, styles);
    } else if (typeof value === 'string') {
      writeYamlString(out, pad, key, value, styles.get(path) ?? 'double');
    } else {
      out.push(`${pad}${key}: ${String(value)}`);
    }
  }
}

function writeYamlString(out: string[], pad: string, key: string, value: string, style: YamlStyle): void {
  const quotedKey = /^[A-Za-z][\w-]*$/.test(key) ? key : yamlDouble(key);
  switch (style) {
    case 'plain':
      // Safe as plain only when it cannot start a flow collection or hold ': ' / ' #'.
      if (!value.startsWith('{') && !value.includes(': ') && !value.includes(' #') && !value.includes('\n')) {
        out.push(`${pad}${quotedKey}: ${value}`);
        return;
      }
      break;
    case 'single':
      if (!value.includes('\n')) {
        out.push(`${pad}${quotedKey}: '${value.replace(/'/g, "''")}'`);
        return;
      }
      break;
    case 'literal':
    case 'folded': {
      const lines = value.replace(/\n$/, '').split('\n');
      out.push(`${pad}${quotedKey}: ${style === 'literal' ? '|' : '>-'}`);
      for (const line of lines) out.push(`${pad}  ${line}`);
      return;
    }
    case 'double':
      break;
  }
  out.push(`${pad}${quotedKey}: ${yamlDouble(value)}`);
}

function yamlDouble(text: string): string {
  return JSON.stringify(text);
}

export interface WorkspaceFile {
  path: string;
  format: WorkflowFormat;
}

/** `count` small workflows (5 to 20 nodes, one reference to a missing secret each), half JSON, half YAML, written under `dir`. */
export function writeWorkspace(dir: string, count: number, secrets: SecretSpec[], seed = DEFAULT_SEED): WorkspaceFile[] {
  const random = createRandom(seed ^ 0x3a11);
  const files: WorkspaceFile[] = [];
  for (let i = 0; i < count; i++) {
    const format: WorkflowFormat = i % 2 === 0 ? 'json' : 'yaml';
    const folder = join(dir, `team-${i % 10}`);
    mkdirSync(folder, { recursive: true });
    const generated = generateWorkflow({ nodes: 5 + random.int(16), format, secrets, referenced: Math.min(50, secrets.length), seed: seed + i, filler: 40, mistakes: 1 });
    const path = join(folder, `flow-${String(i).padStart(4, '0')}.workflow.${format}`);
    writeFileSync(path, generated.text);
    files.push({ path, format });
  }
  return files;
}

function main(argv: string[]): void {
  const arg = (name: string, fallback: string): string => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] ? (argv[index + 1] as string) : fallback;
  };
  const nodes = Number(arg('nodes', '1000'));
  const format = arg('format', 'yaml') as WorkflowFormat;
  const generated = generateWorkflow({ nodes, format, secrets: generateSecrets(500, Number(arg('seed', String(DEFAULT_SEED)))) });
  const out = arg('out', '');
  if (out) writeFileSync(out, generated.text);
  else process.stdout.write(generated.text);
  process.stderr.write(`${generated.nodes} nodes, ${generated.references} references, ${Buffer.byteLength(generated.text)} bytes\n`);
}

if (process.argv[1] && /generate\.[cm]?[tj]s$/.test(process.argv[1])) main(process.argv.slice(2));
