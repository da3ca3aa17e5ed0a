import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Compares a migrated SQLite database with a schema.prisma: tables, columns, declared types,
 * nullability, primary keys and indexes. Prisma's schema engine cannot run on every machine,
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
      const sqlType = SQLITE_TYPES[type];
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

function sortIndexes(indexes: IndexShape[]): IndexShape[] {
  return [...indexes].sort((a, b) => `${a.unique}${a.columns.join()}`.localeCompare(`${b.unique}${b.columns.join()}`));
}
