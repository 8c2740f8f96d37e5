import type { MigrationFn, RunnableMigration } from 'umzug'
import type { SchemaContext } from './mlflowSchema/apply'

/** What umzug hands every migration: the QueryInterface and the single transaction the whole run shares. */
export type MigrationContext = SchemaContext

/** A migration's `up` / `down`, typed for our context. */
export type Migration = MigrationFn<MigrationContext>

/** The exports every migration module has. */
export interface MigrationModule {
  /** The alembic revision the store is at after `up`; `up` stamps it into alembic_version itself. */
  revision: string
  up: Migration
  down: Migration
}

/** A migration as umzug runs it, plus the revision it produces (our storage is derived from it). */
export type MlflowMigration = RunnableMigration<MigrationContext> & { revision: string }
