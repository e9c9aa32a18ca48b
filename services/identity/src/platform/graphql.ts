/** GraphQL enums are upper case; identity's read models store them lower case. */
export const upper = (value: string) => value.toUpperCase();
