package inputs

// RacyWindow lets tests widen the window in which a modified answers file is never cached.
var RacyWindow = &racyWindow
