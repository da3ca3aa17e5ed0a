import { describe, expect, it } from 'vitest';
import { ExpositionError, labelValues, parsePrometheusText, sampleSum } from './prometheus-text.js';

const VALID = `# HELP jobs_total Jobs done, with a \\\\ and a \\n in the help.
# TYPE jobs_total counter
jobs_total{outcome="ok"} 3
jobs_total{outcome="quote \\" newline \\n backslash \\\\",} 1 1700000000000
# a plain comment
# HELP temperature Gauge without labels.
# TYPE temperature gauge
temperature -1.5e-3

# TYPE wait_seconds histogram
wait_seconds_bucket{le="0.1",route="/a/:id"} 1
wait_seconds_bucket{le="+Inf",route="/a/:id"} 2
wait_seconds_sum{route="/a/:id"} 0.35
wait_seconds_count{route="/a/:id"} 2
untyped_thing NaN
# TYPE lag_seconds gauge
lag_seconds Nan
floor -Inf
`;

describe('the Prometheus text reader', () => {
  it('when the exposition is valid, then it reads families, types, labels and values', () => {
    const families = parsePrometheusText(VALID);
    expect([...families.keys()]).toEqual(['jobs_total', 'temperature', 'wait_seconds', 'untyped_thing', 'lag_seconds', 'floor']);
    expect(families.get('jobs_total')?.type).toBe('counter');
    expect(families.get('jobs_total')?.samples[1]?.labels.outcome).toBe('quote " newline \n backslash \\');
    expect(families.get('temperature')?.samples[0]?.value).toBe(-0.0015);
    expect(families.get('wait_seconds')?.type).toBe('histogram');
    expect(sampleSum(families, 'wait_seconds_count', { route: '/a/:id' })).toBe(2);
    expect(sampleSum(families, 'jobs_total')).toBe(4);
    expect(labelValues(families, 'wait_seconds_bucket', 'le')).toEqual(new Set(['0.1', '+Inf']));
    expect(Number.isNaN(families.get('untyped_thing')?.samples[0]?.value)).toBe(true);
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
    expect(Number.isNaN(families.get('lag_seconds')?.samples[0]?.value)).toBe(true);
    expect(families.get('floor')?.samples[0]?.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([
    ['an HTML page', '<html><body>metrics</body></html>\n'],
    ['a name starting with a digit', '1jobs 3\n'],
    ['a value that is not a number', 'jobs abc\n'],
    ['no value', 'jobs\n'],
    ['text after the timestamp', 'jobs 1 2 3\n'],
    ['a timestamp that is not an integer', 'jobs 1 2.5\n'],
    ['an unquoted label value', 'jobs{outcome=ok} 1\n'],
    ['an unterminated label set', 'jobs{outcome="ok" 1\n'],
    ['an unterminated label value', 'jobs{outcome="ok} 1\n'],
    ['a bad escape in a label value', 'jobs{outcome="a\\tb"} 1\n'],
    ['a label twice', 'jobs{a="1",a="2"} 1\n'],
    ['labels without a comma', 'jobs{a="1" b="2"} 1\n'],
    ['no space before the value', 'jobs{a="1"}1\n'],
    ['an unknown TYPE', '# TYPE jobs countr\njobs 1\n'],
    ['a TYPE after the samples', 'jobs 1\n# TYPE jobs counter\n'],
    ['two TYPE lines', '# TYPE jobs counter\n# TYPE jobs counter\njobs 1\n'],
    ['a negative counter', '# TYPE jobs_total counter\njobs_total -1\n'],
    ['the same series twice', 'jobs{a="1"} 1\njobs{a="1"} 2\n'],
    ['one metric in two places', 'jobs 1\nother 2\njobs{a="1"} 3\n'],
    ['a missing final newline', 'jobs 1'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram whose buckets fall', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram whose count differs', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ])('when it holds %s, then it is refused', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow(ExpositionError);
  });
});
