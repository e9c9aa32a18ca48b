import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import {
  changePassword,
  forgotPassword,
  login,
  register,
  registerAgent,
  resendVerification,
  resetPassword,
  updateAgent,
  verifyEmail,
} from './service.js';

export function authResolvers(identity: Identity): Resolvers {
  return {
    Mutation: {
      register: resolver<{ email: string; password: string; name: string }>(identity, (i, request, args) =>
        register(i, request, args),
      ),
      login: resolver<{ email: string; password: string }>(identity, (i, request, args) =>
        login(i, request, args),
      ),
      registerAgent: resolver<{ name?: string | null }>(identity, (i, request, args) =>
        registerAgent(i, request, args),
      ),
      updateAgent: resolver<{ email: string }>(identity, (i, request, args) => updateAgent(i, request, args)),
      changePassword: resolver<{ currentPassword: string; newPassword: string }>(
        identity,
        (i, request, args) => changePassword(i, request, args),
      ),
      forgotPassword: resolver<{ email: string }>(identity, (i, request, args) =>
        forgotPassword(i, request, args),
      ),
      resendVerification: resolver<{ email: string }>(identity, (i, request, args) =>
        resendVerification(i, request, args),
      ),
      resetPassword: resolver<{ token: string; newPassword: string }>(identity, (i, request, args) =>
        resetPassword(i, request, args),
      ),
      verifyEmail: resolver<{ token: string }>(identity, (i, request, args) => verifyEmail(i, request, args)),
    },
  };
}
