import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** A file that took longer than this last time starts early, whatever its project. */
const LONG_FILE_MS = 8_000;

/**
 * The order the test files start in. vitest's own runs one project after the other, each slowest
 * first: the long files of the second project then start last and the run waits for them. Here the
 * long files of both projects start first, slowest first (and a file not seen before with them);
 * the short ones follow project by project, so that a worker goes on with files of its own project
 * and keeps its imported modules (isolate is off; a worker serves one project).
 */
export default class LongFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const duration = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`)?.duration;
    const slowestFirst = (a: TestSpecification, b: TestSpecification) => (duration(b) ?? 0) - (duration(a) ?? 0);
    const long = files.filter((spec) => (duration(spec) ?? Number.POSITIVE_INFINITY) > LONG_FILE_MS);
    const short = files.filter((spec) => !long.includes(spec));
    const projects = [...new Set(short.map((spec) => spec.project.name))].sort();
    return [
      ...long.sort(slowestFirst),
      ...projects.flatMap((project) => short.filter((spec) => spec.project.name === project).sort(slowestFirst)),
    ];
  }
}
