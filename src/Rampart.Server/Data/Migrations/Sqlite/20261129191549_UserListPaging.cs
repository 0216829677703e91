using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserListPaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NormalizedDisplayName",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            // Existing users: SQLite upper() folds ASCII letters only; Rampart upper-cases the rest on the next start (UserNameBackfill).
            migrationBuilder.Sql("""UPDATE "AspNetUsers" SET "NormalizedDisplayName" = upper("DisplayName");""");

            migrationBuilder.CreateIndex(
                name: "IX_Users_NormalizedDisplayName_Id",
                table: "AspNetUsers",
                columns: new[] { "NormalizedDisplayName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_NormalizedEmail_Id",
                table: "AspNetUsers",
                columns: new[] { "NormalizedEmail", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_OrganisationId_NormalizedEmail_Id",
                table: "AspNetUsers",
                columns: new[] { "OrganisationId", "NormalizedEmail", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_NormalizedDisplayName_Id",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_Users_NormalizedEmail_Id",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_Users_OrganisationId_NormalizedEmail_Id",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "NormalizedDisplayName",
                table: "AspNetUsers");
        }
    }
}
