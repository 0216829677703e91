using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TaxiiClientConnections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TaxiiConnections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PublicId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ApiRoot = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CollectionId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Authentication = table.Column<short>(type: "smallint", nullable: false),
                    ProtectedCredentials = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    Direction = table.Column<short>(type: "smallint", nullable: false),
                    PullTypes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PullStartAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PullTlp = table.Column<int>(type: "integer", nullable: false),
                    PullAudienceJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    PushTypes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PushLabels = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PushTlpCeiling = table.Column<int>(type: "integer", nullable: false),
                    PushBatchSize = table.Column<int>(type: "integer", nullable: false),
                    IntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NextRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<short>(type: "smallint", nullable: false),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    LastErrorAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PullCheckpoint = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PullCheckpointText = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PushCheckpointAddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PushCheckpointRecordId = table.Column<long>(type: "bigint", nullable: false),
                    PushCheckpointModified = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastPulled = table.Column<int>(type: "integer", nullable: false),
                    LastAdded = table.Column<int>(type: "integer", nullable: false),
                    LastUpdated = table.Column<int>(type: "integer", nullable: false),
                    LastUnchanged = table.Column<int>(type: "integer", nullable: false),
                    LastRejected = table.Column<int>(type: "integer", nullable: false),
                    LastPushed = table.Column<int>(type: "integer", nullable: false),
                    LastPushFailed = table.Column<int>(type: "integer", nullable: false),
                    LastPushPending = table.Column<int>(type: "integer", nullable: false),
                    TotalPulled = table.Column<long>(type: "bigint", nullable: false),
                    TotalPushed = table.Column<long>(type: "bigint", nullable: false),
                    Runs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxiiConnections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TaxiiConnections_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_Enabled_NextRunAt",
                table: "TaxiiConnections",
                columns: new[] { "Enabled", "NextRunAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_OrganisationId_Id",
                table: "TaxiiConnections",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_PublicId",
                table: "TaxiiConnections",
                column: "PublicId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TaxiiConnections");
        }
    }
}
