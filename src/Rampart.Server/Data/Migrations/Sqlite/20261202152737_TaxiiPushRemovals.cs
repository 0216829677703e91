using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TaxiiPushRemovals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LastRemoved",
                table: "TaxiiConnections",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PushRemovalCursor",
                table: "TaxiiConnections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TaxiiPushedObjects",
                columns: table => new
                {
                    ConnectionId = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxiiPushedObjects", x => new { x.ConnectionId, x.RecordId });
                    table.ForeignKey(
                        name: "FK_TaxiiPushedObjects_IntelObjects_RecordId",
                        column: x => x.RecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TaxiiPushedObjects_TaxiiConnections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "TaxiiConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiPushedObjects_RecordId",
                table: "TaxiiPushedObjects",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TaxiiPushedObjects");

            migrationBuilder.DropColumn(
                name: "LastRemoved",
                table: "TaxiiConnections");

            migrationBuilder.DropColumn(
                name: "PushRemovalCursor",
                table: "TaxiiConnections");
        }
    }
}
