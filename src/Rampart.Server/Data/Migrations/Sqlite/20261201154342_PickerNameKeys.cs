using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PickerNameKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing rows get an empty key here; NodeBootstrap.MigrateAsync then fills them in .NET (SearchKeys.Of:
            // case and diacritics folded in every script, which neither database's lower() does) before serving.
            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "TrainingPeople",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "MaturityProfiles",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPeople_NameKey",
                table: "TrainingPeople",
                column: "NameKey");

            migrationBuilder.CreateIndex(
                name: "IX_MaturityProfiles_NameKey",
                table: "MaturityProfiles",
                column: "NameKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TrainingPeople_NameKey",
                table: "TrainingPeople");

            migrationBuilder.DropIndex(
                name: "IX_MaturityProfiles_NameKey",
                table: "MaturityProfiles");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "TrainingPeople");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "MaturityProfiles");
        }
    }
}
