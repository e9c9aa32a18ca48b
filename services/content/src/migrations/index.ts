import { CreateProjectsJobsLinks1795800000000 } from './1795800000000-create-projects-jobs-links.js';
import { CreateSources1795800100000 } from './1795800100000-create-sources.js';
import { CreatePosts1795800200000 } from './1795800200000-create-posts.js';
import { CreateBilling1796600000000 } from './1796600000000-create-billing.js';

export const contentMigrations = [
  CreateProjectsJobsLinks1795800000000,
  CreateSources1795800100000,
  CreatePosts1795800200000,
  CreateBilling1796600000000,
];
