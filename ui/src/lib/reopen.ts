/**
 * Starts the window over on the file the backend now has open (after opening another file,
 * creating one or restoring a backup): every screen and cached query then shows its data.
 */
export function reopenWindow(): void {
  window.location.hash = "#/today";
  window.location.reload();
}
