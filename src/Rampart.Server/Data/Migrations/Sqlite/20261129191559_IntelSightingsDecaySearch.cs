using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntelSightingsDecaySearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DecayKind",
                table: "IntelObjects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DecaySince",
                table: "IntelObjects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DecaysAt",
                table: "IntelObjects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastSightedAt",
                table: "IntelObjects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Score",
                table: "IntelObjects",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SightingCount",
                table: "IntelObjects",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "IntelTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntelTerms", x => new { x.Term, x.RecordId });
                    table.ForeignKey(
                        name: "FK_IntelTerms_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_DecaysAt_RecordId",
                table: "IntelObjects",
                columns: new[] { "DecaysAt", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelTerms_RecordId",
                table: "IntelTerms",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IntelTerms");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_DecaysAt_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "DecayKind",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "DecaySince",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "DecaysAt",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "LastSightedAt",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "Score",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "SightingCount",
                table: "IntelObjects");
        }
    }
}
