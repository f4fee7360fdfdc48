package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir is where a studio lives unless --data says otherwise:
// %AppData%\Cordwain on Windows, ~/Library/Application Support/Cordwain on
// macOS, $XDG_DATA_HOME/cordwain (~/.local/share/cordwain) elsewhere.
func DefaultDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows", "darwin":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("finding the user data directory: %w", err)
		}
		return filepath.Join(d, "Cordwain"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "cordwain"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the user data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "cordwain"), nil
}
