/**
 * Secret-shaped test values, assembled at run time so no literal credential sits in the repository (push
 * protection and secret scanners stay quiet) while the detectors still see realistic shapes.
 */
export const OPENAI_KEY = ['sk', 'proj', 'Rk4fT9sLmQ2xVb7NcW3pZ8yHj5dKe1AgUo6iXr0tYw2BnMq'].join('-');
export const GITHUB_TOKEN = `${'ghp'}_${'1a2B3c4D5e6F7g8H9i0J'}${'1k2L3m4N5o6P7q8R'}`;
export const EMAIL = ['jane.roe', 'fastmail.com'].join('@');
export const PHONE = '+44 20 7946 0958';
