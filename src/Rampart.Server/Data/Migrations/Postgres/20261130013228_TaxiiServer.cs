using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TaxiiServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TaxiiCollections",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Alias = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FilterJson = table.Column<string>(type: "text", nullable: false),
                    ReadersJson = table.Column<string>(type: "text", nullable: false),
                    WritersJson = table.Column<string>(type: "text", nullable: false),
                    WriteTlp = table.Column<int>(type: "integer", nullable: false),
                    WriteAudienceJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxiiCollections", x => x.Key);
                    table.ForeignKey(
                        name: "FK_TaxiiCollections_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TaxiiStatuses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CollectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestTimestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TotalCount = table.Column<int>(type: "integer", nullable: false),
                    ObjectsJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxiiStatuses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TaxiiStatuses_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiCollections_Alias",
                table: "TaxiiCollections",
                column: "Alias",
                unique: true,
                filter: "\"Alias\" IS NOT NULL AND \"OrganisationId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiCollections_Id",
                table: "TaxiiCollections",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiCollections_OrganisationId_Alias",
                table: "TaxiiCollections",
                columns: new[] { "OrganisationId", "Alias" },
                unique: true,
                filter: "\"Alias\" IS NOT NULL AND \"OrganisationId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiCollections_OrganisationId_Key",
                table: "TaxiiCollections",
                columns: new[] { "OrganisationId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiStatuses_OrganisationId_Id",
                table: "TaxiiStatuses",
                columns: new[] { "OrganisationId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TaxiiCollections");

            migrationBuilder.DropTable(
                name: "TaxiiStatuses");
        }
    }
}
