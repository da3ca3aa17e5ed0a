// pnpm hook: adjusts what some packages declare before pnpm resolves the workspace.
//
// @prisma/client lists the Prisma CLI and TypeScript as optional peers, for `prisma generate`.
// The services only load its runtime, and the CLI (with Prisma Studio, an embedded PostgreSQL and
// React) is a devDependency of the root; as a resolved peer it would follow @prisma/client into
// every production install (`pnpm install --prod`, the Docker image) and triple its size.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === '@prisma/client' && pkg.peerDependencies) {
        for (const name of ['prisma', 'typescript']) {
          delete pkg.peerDependencies[name];
          if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta[name];
        }
      }
      return pkg;
    },
  },
};
