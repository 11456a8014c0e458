// The study whose figures the report mirrors, cited where a figure number appears.
import { escapeHtml } from './html-page.js';

export const STUDY_CITATION = 'Figures numbered as in "Optimize Virtualized Deep Learning Performance with New Intel Architectures" (VMware, 2020).';
export const STUDY_CITATION_HTML = escapeHtml(STUDY_CITATION);
