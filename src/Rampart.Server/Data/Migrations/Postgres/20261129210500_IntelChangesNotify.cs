using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <summary>
    /// Live updates across app servers (issue 9): every statement that adds rows to the change outbox notifies
    /// <c>rampart_intel_changes</c>; PostgreSQL delivers it when the writing transaction commits (and not at all when
    /// it rolls back), so each app server's listener wakes its streams, which then read the outbox. PostgreSQL only:
    /// SQLite streams poll.
    /// </summary>
    public partial class IntelChangesNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION rampart_intel_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('rampart_intel_changes', '');
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "IntelChanges_Notify" AFTER INSERT ON "IntelChanges"
                    FOR EACH STATEMENT EXECUTE FUNCTION rampart_intel_changes_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "IntelChanges_Notify" ON "IntelChanges";
                DROP FUNCTION IF EXISTS rampart_intel_changes_notify();
                """);
        }
    }
}
