using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditCheckpointsAndDenials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditCheckpoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    HeadHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Signature = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditDenialCounters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Actor = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Further = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    Credential = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ClientIp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditDenialCounters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditJobState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LeaseHolder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastFullRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastIntact = table.Column<bool>(type: "boolean", nullable: true),
                    LastWasFull = table.Column<bool>(type: "boolean", nullable: false),
                    LastCheckedEntries = table.Column<long>(type: "bigint", nullable: false),
                    LastVerifiedSequence = table.Column<long>(type: "bigint", nullable: false),
                    FirstBrokenSequence = table.Column<long>(type: "bigint", nullable: true),
                    Problem = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditJobState", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "AuditJobState",
                columns: new[] { "Id", "FirstBrokenSequence", "LastCheckedEntries", "LastFullRunAt", "LastIntact", "LastRunAt", "LastVerifiedSequence", "LastWasFull", "LeaseHolder", "LeaseUntil", "Problem" },
                values: new object[] { 1, null, 0L, null, null, null, 0L, false, null, null, null });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_UserId_Sequence",
                table: "AuditEntries",
                columns: new[] { "UserId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditCheckpoints_Sequence",
                table: "AuditCheckpoints",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditDenialCounters_Actor_Status_WindowStart",
                table: "AuditDenialCounters",
                columns: new[] { "Actor", "Status", "WindowStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditDenialCounters_WindowEnd",
                table: "AuditDenialCounters",
                column: "WindowEnd");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditCheckpoints");

            migrationBuilder.DropTable(
                name: "AuditDenialCounters");

            migrationBuilder.DropTable(
                name: "AuditJobState");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_UserId_Sequence",
                table: "AuditEntries");
        }
    }
}
