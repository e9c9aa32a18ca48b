import { CreateEchoes1795700000000 } from './1795700000000-create-echoes.js';
import { CreateProjectsJobsLinks1795800000000 } from './1795800000000-create-projects-jobs-links.js';

export const contentMigrations = [CreateEchoes1795700000000, CreateProjectsJobsLinks1795800000000];
