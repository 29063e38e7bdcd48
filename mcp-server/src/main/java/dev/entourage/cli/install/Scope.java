package dev.entourage.cli.install;

/** Which of an agent's configurations an install writes: the user's (every project) or one project's. */
enum Scope {
    user, project
}
