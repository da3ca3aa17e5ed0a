import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** A file that took longer than this last time starts early, whatever its project. */
const LONG_FILE_MS = 8_000;

/**
 * The order the test files start in. vitest's own runs one project after the other, each slowest
 * first: the long files of the second project then start last and the run waits for them. Here the
 * long files start first, project by project, slowest first (and a file not seen before with them);
 * then the short ones, project by project. A worker serves one project and keeps its imported
 * modules while it goes on with files of that project (isolate is off), so files of one project
 * follow each other.
 */
export default class LongFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const duration = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`)?.duration;
    // A file not seen before counts as the longest.
    const expected = (spec: TestSpecification) => duration(spec) ?? Number.MAX_SAFE_INTEGER;
    const slowestFirst = (a: TestSpecification, b: TestSpecification) => expected(b) - expected(a);
    const long = files.filter((spec) => expected(spec) > LONG_FILE_MS);
    const short = files.filter((spec) => !long.includes(spec));
    const byProject = (specs: TestSpecification[]) =>
      [...new Set(specs.map((spec) => spec.project.name))]
        .sort()
        .flatMap((project) => specs.filter((spec) => spec.project.name === project).sort(slowestFirst));
    return [...byProject(long), ...byProject(short)];
  }
}
