/** The part of a generated client's `Prisma.TypeMap` that this check reads. */
interface ClientTypeMap {
  model: Record<string, { operations: Record<string, { args: unknown; result: unknown }> }>;
}

type OperationProblem<S, P, Op extends string> = [S] extends [P] ? never : Op;

/**
 * The operations where a client generated for PostgreSQL does not fit the SQLite client's types,
 * as "Model.operation args" or "Model.operation result"; `never` when it fits. It fits when every
 * model and operation of the SQLite client exists in the PostgreSQL one, every argument the SQLite
 * client accepts is accepted by the PostgreSQL one, and everything the PostgreSQL one returns is
 * what the SQLite one returns. (The clients as a whole cannot be compared directly: TypeScript
 * gives up on their generic overloads, which differ only in PostgreSQL's extra options.)
 */
export type ClientFitProblems<Sqlite extends ClientTypeMap, Postgresql extends ClientTypeMap> = {
  [M in keyof Sqlite['model'] & string]: M extends keyof Postgresql['model']
    ? {
        [O in keyof Sqlite['model'][M]['operations'] & string]: O extends keyof Postgresql['model'][M]['operations']
          ?
              | OperationProblem<
                  Sqlite['model'][M]['operations'][O]['args'],
                  Postgresql['model'][M]['operations'][O]['args'],
                  `${M}.${O} args`
                >
              | OperationProblem<
                  Postgresql['model'][M]['operations'][O]['result'],
                  Sqlite['model'][M]['operations'][O]['result'],
                  `${M}.${O} result`
                >
          : `${M}.${O} missing`;
      }[keyof Sqlite['model'][M]['operations'] & string]
    : `${M} missing`;
}[keyof Sqlite['model'] & string];

/** `true` when the PostgreSQL client fits; otherwise the problems, so that assigning `true` fails naming them. */
export type ClientFits<Sqlite extends ClientTypeMap, Postgresql extends ClientTypeMap> = [ClientFitProblems<Sqlite, Postgresql>] extends [
  never,
]
  ? true
  : ClientFitProblems<Sqlite, Postgresql>;
