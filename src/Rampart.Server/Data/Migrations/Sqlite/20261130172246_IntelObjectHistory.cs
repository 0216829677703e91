using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntelObjectHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IntelChanges_RecordId",
                table: "IntelChanges");

            migrationBuilder.AddColumn<Guid>(
                name: "PeerId",
                table: "IntelImportJobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Via",
                table: "IntelImportJobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AudienceChanged",
                table: "IntelChanges",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "JobId",
                table: "IntelChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PeerId",
                table: "IntelChanges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TlpAfter",
                table: "IntelChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TlpBefore",
                table: "IntelChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Via",
                table: "IntelChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IntelChanges_RecordId_Sequence",
                table: "IntelChanges",
                columns: new[] { "RecordId", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IntelChanges_RecordId_Sequence",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "PeerId",
                table: "IntelImportJobs");

            migrationBuilder.DropColumn(
                name: "Via",
                table: "IntelImportJobs");

            migrationBuilder.DropColumn(
                name: "AudienceChanged",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "JobId",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "PeerId",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "TlpAfter",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "TlpBefore",
                table: "IntelChanges");

            migrationBuilder.DropColumn(
                name: "Via",
                table: "IntelChanges");

            migrationBuilder.CreateIndex(
                name: "IX_IntelChanges_RecordId",
                table: "IntelChanges",
                column: "RecordId");
        }
    }
}
