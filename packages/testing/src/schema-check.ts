import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Compares a migrated database (SQLite or PostgreSQL) with a schema.prisma of the same provider:
 * tables, columns, declared types, nullability, primary keys and indexes. Prisma's schema engine cannot run on every machine,
 * so this reads the subset of the schema language the project uses (models, scalar and
 * relation fields, @id, @unique, @map, @@map, @@index, @@unique, @@id).
 */
export interface ColumnShape {
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}

export interface IndexShape {
  columns: string[];
  unique: boolean;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  indexes: IndexShape[];
}

export type DatabaseShape = Record<string, TableShape>;

const SQLITE_TYPES: Record<string, string> = {
  String: 'TEXT',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'REAL',
  Decimal: 'DECIMAL',
  Boolean: 'BOOLEAN',
  DateTime: 'DATETIME',
  Bytes: 'BLOB',
  Json: 'JSONB',
};

// PostgreSQL types as the catalog names them (format_type); a @db.Timestamptz(p) DateTime is
// 'timestamp(p) with time zone'.
const POSTGRESQL_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Bytes: 'bytea',
  Json: 'jsonb',
};

function postgresqlType(type: string, attributes: string): string | undefined {
  const timestamptz = /@db\.Timestamptz\((\d+)\)/.exec(attributes);
  if (type === 'DateTime' && timestamptz) return `timestamp(${timestamptz[1]}) with time zone`;
  return POSTGRESQL_TYPES[type];
}

function mappedName(attributes: string): string | undefined {
  return /@map\("([^"]+)"\)/.exec(attributes)?.[1];
}

function fieldList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim().split(/[\s(]/)[0] ?? '')
    .filter(Boolean);
}

export function shapeFromPrismaSchema(schemaFile: string): DatabaseShape {
  const source = readFileSync(schemaFile, 'utf8').replace(/\/\/.*$/gm, '');
  const provider = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(source)?.[1];
  const typeOf = (type: string, attributes: string) => (provider === 'postgresql' ? postgresqlType(type, attributes) : SQLITE_TYPES[type]);
  const shape: DatabaseShape = {};
  for (const model of source.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const [, modelName = '', body = ''] = model;
    const lines = body
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? modelName;
    const columns: Record<string, ColumnShape> = {};
    const fieldToColumn: Record<string, string> = {};
    const indexes: IndexShape[] = [];
    let primaryKey: string[] = [];
    for (const line of lines) {
      if (line.startsWith('@@')) continue;
      const match = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!match) continue;
      const [, field = '', type = '', list, optional, attributes = ''] = match;
      const sqlType = typeOf(type, attributes);
      if (!sqlType || list) continue; // relation fields and lists have no column
      const column = mappedName(attributes) ?? field;
      fieldToColumn[field] = column;
      columns[column] = { type: sqlType, notNull: !optional, primaryKey: /@id\b/.test(attributes) };
      if (/@id\b/.test(attributes)) primaryKey = [column];
      if (/@unique\b/.test(attributes)) indexes.push({ columns: [column], unique: true });
    }
    for (const line of lines) {
      const block = /^@@(index|unique|id)\(\[([^\]]+)\]/.exec(line);
      if (!block) continue;
      const [, kind, fields = ''] = block;
      const cols = fieldList(fields).map((field) => fieldToColumn[field] ?? field);
      if (kind === 'id') primaryKey = cols;
      else indexes.push({ columns: cols, unique: kind === 'unique' });
    }
    for (const column of primaryKey) {
      const existing = columns[column];
      if (existing) existing.primaryKey = true;
    }
    shape[table] = { columns, indexes: sortIndexes(indexes) };
  }
  return shape;
}

export function shapeFromDatabase(databaseFile: string): DatabaseShape {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'")
      .all() as { name: string }[];
    const shape: DatabaseShape = {};
    for (const { name } of tables) {
      const columns: Record<string, ColumnShape> = {};
      const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
      for (const column of info) {
        columns[column.name] = {
          type: column.type.toUpperCase(),
          notNull: column.notnull === 1 || column.pk > 0,
          primaryKey: column.pk > 0,
        };
      }
      const indexes: IndexShape[] = [];
      const list = db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string }[];
      for (const index of list) {
        if (index.origin === 'pk') continue;
        const cols = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name);
        indexes.push({ columns: cols, unique: index.unique === 1 });
      }
      shape[name] = { columns, indexes: sortIndexes(indexes) };
    }
    return shape;
  } finally {
    db.close();
  }
}

/** The same shape, read from PostgreSQL's catalog (the tables of the connection's current schema). */
export async function shapeFromPostgresql(connectionString: string): Promise<DatabaseShape> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table: string; column: string; type: string; not_null: boolean }>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind = 'r' AND c.relname <> '_prisma_migrations'
        ORDER BY c.relname, a.attnum`,
    );
    const { rows: indexes } = await client.query<{ table: string; primary: boolean; unique: boolean; columns: string[] }>(
      `SELECT c.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
              ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[] AS columns
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        WHERE c.relkind = 'r' AND c.relname <> '_prisma_migrations'`,
    );
    const shape: DatabaseShape = {};
    for (const row of columns) {
      shape[row.table] ??= { columns: {}, indexes: [] };
      const table = shape[row.table] as TableShape;
      table.columns[row.column] = { type: row.type, notNull: row.not_null, primaryKey: false };
    }
    for (const index of indexes) {
      const table = shape[index.table];
      if (!table) continue;
      if (index.primary) {
        for (const column of index.columns) {
          const existing = table.columns[column];
          if (existing) existing.primaryKey = true;
        }
      } else {
        table.indexes.push({ columns: index.columns, unique: index.unique });
      }
    }
    for (const table of Object.values(shape)) table.indexes = sortIndexes(table.indexes);
    return shape;
  } finally {
    await client.end();
  }
}

function sortIndexes(indexes: IndexShape[]): IndexShape[] {
  return [...indexes].sort((a, b) => `${a.unique}${a.columns.join()}`.localeCompare(`${b.unique}${b.columns.join()}`));
}
