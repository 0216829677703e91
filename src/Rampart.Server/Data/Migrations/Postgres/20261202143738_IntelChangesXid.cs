using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <summary>
    /// Holes in the change outbox settle as soon as they are final (issue 10, <c>IntelChangeHorizon</c>): every statement
    /// that adds rows to <c>IntelChanges</c> first gives its transaction a transaction id, before any row takes its sequence
    /// number, so that every transaction that may still commit an earlier number than one already committed has an id below
    /// the next id read after that (the horizon's bound; not the snapshot's xmax, one past the latest completed id). A statement trigger, so once per statement (and per <c>COPY</c>), not per row. PostgreSQL only.
    /// </summary>
    public partial class IntelChangesXid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION rampart_intel_changes_xid() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_current_xact_id();
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "IntelChanges_Xid" BEFORE INSERT ON "IntelChanges"
                    FOR EACH STATEMENT EXECUTE FUNCTION rampart_intel_changes_xid();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "IntelChanges_Xid" ON "IntelChanges";
                DROP FUNCTION IF EXISTS rampart_intel_changes_xid();
                """);
        }
    }
}
