using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
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
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Alias = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FilterJson = table.Column<string>(type: "TEXT", nullable: false),
                    ReadersJson = table.Column<string>(type: "TEXT", nullable: false),
                    WritersJson = table.Column<string>(type: "TEXT", nullable: false),
                    WriteTlp = table.Column<int>(type: "INTEGER", nullable: false),
                    WriteAudienceJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestTimestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ObjectsJson = table.Column<string>(type: "TEXT", nullable: false)
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
