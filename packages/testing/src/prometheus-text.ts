/**
 * A strict reader of the Prometheus text exposition format, version 0.0.4, for tests: it throws
 * on the first line that a Prometheus server would refuse (no package on npm checks the grammar:
 * the one parser there takes any word for a metric name).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

export class ExpositionError extends Error {
  constructor(line: number, text: string, reason: string) {
    super(`line ${line}: ${reason}: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
/** Go's ParseFloat, which Prometheus reads values with: NaN and Inf in any case, Infinity too. */
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?|nan)$/i;
const TIMESTAMP = /^-?\d+$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Docstrings escape only backslash and newline; label values also the double quote. */
const HELP_TEXT = /^(?:[^\\\n]|\\[\\n])*$/;

const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new ExpositionError(0, text.slice(-40), 'the exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const seenSeries = new Set<string>();
  const typed = new Set<string>();
  let current: MetricFamily | undefined;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const fail = (reason: string): never => {
      throw new ExpositionError(index + 1, line, reason);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!match) return; // any other comment
      const [, keyword, name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) fail('invalid metric name');
      const family = familyFor(name);
      if (keyword === 'HELP') {
        if (family.help !== undefined) fail('a second HELP for the metric');
        if (!HELP_TEXT.test(rest)) fail('invalid escape in HELP');
        family.help = rest;
      } else {
        if (!TYPES.has(rest as MetricType)) fail('unknown TYPE');
        if (family.samples.length > 0) fail('TYPE after the samples of its metric');
        if (typed.has(name)) fail('a second TYPE for the metric');
        family.type = rest as MetricType;
        typed.add(name);
      }
      return;
    }
    const sample = parseSample(line, fail);
    const family = current && belongsTo(sample.name, current) ? current : familyFor(sample.name);
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(series)) fail('the same series twice');
    seenSeries.add(series);
    if (family.type === 'counter' && !(sample.value >= 0)) fail('a counter below 0');
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;

  function familyFor(name: string): MetricFamily {
    const existing = families.get(name);
    if (existing && existing !== current) throw new ExpositionError(0, name, 'lines of one metric apart from each other');
    if (existing) return existing;
    const family: MetricFamily = { name, type: 'untyped', help: undefined, samples: [] };
    families.set(name, family);
    current = family;
    return family;
  }
}

function belongsTo(sampleName: string, family: MetricFamily): boolean {
  return SUFFIXES[family.type].some((suffix) => sampleName === family.name + suffix);
}

function parseSample(line: string, fail: (reason: string) => never): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) fail('a sample line must start with a metric name');
  const name = nameMatch![0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const labelName = LABEL_NAME.exec(rest)?.[0];
      if (!labelName) fail('invalid label name');
      if (Object.hasOwn(labels, labelName!)) fail(`label ${labelName} twice`);
      rest = rest.slice(labelName!.length);
      if (!rest.startsWith('="')) fail('a label needs ="value"');
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const ch = rest[0];
        if (ch === undefined) fail('unterminated label value');
        rest = rest.slice(1);
        if (ch === '"') break;
        if (ch === '\\') {
          const escaped = rest[0];
          if (escaped === '\\' || escaped === '"') value += escaped;
          else if (escaped === 'n') value += '\n';
          else fail('invalid escape in a label value');
          rest = rest.slice(1);
        } else value += ch;
      }
      labels[labelName!] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('labels are separated by commas');
    }
    rest = rest.slice(1);
  }
  const fields = rest.split(/[ \t]+/);
  if (fields[0] !== '') fail('a space must follow the name and labels');
  const [, valueText = '', timestamp, ...extra] = fields;
  if (!FLOAT.test(valueText)) fail('invalid value');
  if (timestamp !== undefined && !TIMESTAMP.test(timestamp)) fail('invalid timestamp');
  if (extra.length > 0) fail('text after the timestamp');
  return { name, labels, value: toNumber(valueText) };
}

function toNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(text);
}

/** Buckets ascend by `le`, counts never fall, the +Inf bucket is there and equals _count. */
function checkHistogram(family: MetricFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...others } = sample.labels;
    const key = JSON.stringify(Object.entries(others).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined || !FLOAT.test(le)) throw new ExpositionError(0, family.name, 'a bucket without a valid le');
      group.buckets.push([toNumber(le), sample.value]);
    } else if (sample.name.endsWith('_count')) group.count = sample.value;
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`;
    for (let i = 1; i < group.buckets.length; i++) {
      const [le, count] = group.buckets[i]!;
      const [prevLe, prevCount] = group.buckets[i - 1]!;
      if (!(le > prevLe) || count < prevCount) throw new ExpositionError(0, where, 'buckets out of order or not cumulative');
    }
    const last = group.buckets.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new ExpositionError(0, where, 'no +Inf bucket');
    if (group.count !== last[1]) throw new ExpositionError(0, where, '_count differs from the +Inf bucket');
  }
}

/** The sum of the values of the samples named `name` whose labels include `labels`. */
export function sampleSum(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) sum += sample.value;
    }
  }
  return sum;
}

/** Every value the label `label` takes on the samples named `name`. */
export function labelValues(families: Map<string, MetricFamily>, name: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const family of families.values()) {
    for (const sample of family.samples) {
      const value = sample.labels[label];
      if (sample.name === name && value !== undefined) values.add(value);
    }
  }
  return values;
}
