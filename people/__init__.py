"""Who a user is: the roles layer. It sits above the project base and below every
domain app, so it imports none of them: apps that define a role (directory: provider,
families: guardian) register how to find it in their ``AppConfig.ready``."""
