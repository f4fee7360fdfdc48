package store

// initialMmap: on Windows bbolt extends the file to the size it maps, so
// the file is mapped at its own size and grows as bbolt decides.
const initialMmap = 0
