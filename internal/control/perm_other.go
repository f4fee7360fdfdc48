//go:build !unix

package control

// chmodSocket does nothing: on Windows the socket file inherits the access
// list of its directory (the user's own data or temporary directory).
func chmodSocket(string) error { return nil }

// checkPrivateDir does nothing: on Windows os.TempDir() is the user's own
// (%LOCALAPPDATA%\Temp), closed to other users by its access list.
func checkPrivateDir(string) error { return nil }
