import { fileURLToPath } from 'node:url';
import { applyMigrations, createLogger, databaseFileFromUrl, listMigrations } from '@order-system/platform';
import { shapeFromDatabase, shapeFromPrismaSchema, tempDatabaseUrl } from '@order-system/testing';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/deps.js';

const SCHEMA = fileURLToPath(new URL('../../../prisma/order/schema.prisma', import.meta.url));

describe('order database', () => {
  it('when the migrations are applied to an empty file, then its tables match schema.prisma', () => {
    const file = databaseFileFromUrl(tempDatabaseUrl('order-schema'));
    const result = applyMigrations({
      databaseFile: file,
      migrationsDir: MIGRATIONS_DIR,
      logger: createLogger({ service: 'order', level: 'silent' }),
    });

    expect(result.applied).toHaveLength(listMigrations(MIGRATIONS_DIR).length);
    expect(shapeFromDatabase(file)).toEqual(shapeFromPrismaSchema(SCHEMA));
  });

  it('when the migrations run twice, then the second run applies nothing', () => {
    const file = databaseFileFromUrl(tempDatabaseUrl('order-schema'));
    const logger = createLogger({ service: 'order', level: 'silent' });
    applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });

    const again = applyMigrations({ databaseFile: file, migrationsDir: MIGRATIONS_DIR, logger });

    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(listMigrations(MIGRATIONS_DIR).length);
  });
});
